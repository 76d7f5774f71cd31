// Budget periods are UTC calendar days and months: the id names the counter, so a new period starts
// from zero without anyone resetting anything, and the end tells clients when they may come back.
import type { BudgetPeriod } from '@strata/crds'

export interface PeriodWindow {
  /** `2026-11-30` for a day, `2026-11` for a month. */
  id: string
  /** Epoch milliseconds when the period ends. */
  endsAt: number
}

export function periodWindow(period: BudgetPeriod, now: number): PeriodWindow {
  const date = new Date(now)
  const year = date.getUTCFullYear()
  const month = date.getUTCMonth()
  const monthId = `${String(year)}-${String(month + 1).padStart(2, '0')}`
  if (period === 'month') return { id: monthId, endsAt: Date.UTC(year, month + 1, 1) }
  const day = date.getUTCDate()
  return {
    id: `${monthId}-${String(day).padStart(2, '0')}`,
    endsAt: Date.UTC(year, month, day + 1),
  }
}

/** Counters outlive their period by a day, so a late settle never recreates an expired key for long. */
export function periodTtlMs(window: PeriodWindow, now: number): number {
  return Math.max(1, window.endsAt - now) + 86_400_000
}
