"""One application's calls through strata-gateway with the official Python `anthropic` client.

Configured only the way any Anthropic application is, by ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY,
plus the model alias to use. Prints one JSON document of what the client saw, for
anthropic-client.test.ts to check; the client code knows nothing about Bedrock.
"""

import json
import os

import anthropic


def error_of(call) -> dict:
    try:
        call()
    except anthropic.APIStatusError as error:
        body = error.body if isinstance(error.body, dict) else {}
        return {"class": type(error).__name__, "status": error.status_code, "body": body}
    return {"class": None}


def main() -> None:
    model = os.environ["JOURNEY_MODEL"]
    client = anthropic.Anthropic(max_retries=0, timeout=20)
    seen: dict = {"anthropic_version": anthropic.__version__}
    ask = [{"role": "user", "content": "Hello from Python"}]

    message = client.messages.create(model=model, max_tokens=64, messages=ask)
    seen["create"] = {
        "model": message.model,
        "text": message.content[0].text,
        "stop_reason": message.stop_reason,
        "input_tokens": message.usage.input_tokens,
    }

    with client.messages.stream(model=model, max_tokens=64, messages=ask) as stream:
        types = [event.type for event in stream]
        final = stream.get_final_message()
    seen["stream"] = {"first": types[0], "last": types[-1], "text": final.content[0].text}

    tools = [{"name": "lookup", "description": "Looks up.", "input_schema": {"type": "object"}}]
    first = client.messages.create(model=model, max_tokens=64, tools=tools, messages=ask)
    tool_use = next(block for block in first.content if block.type == "tool_use")
    second = client.messages.create(
        model=model,
        max_tokens=64,
        tools=tools,
        messages=[
            *ask,
            {"role": "assistant", "content": first.content},
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": tool_use.id, "content": "found it"}],
            },
        ],
    )
    seen["tools"] = {"stop_reason": first.stop_reason, "answer": second.content[0].text}

    thinking_request = {
        "model": model,
        "max_tokens": 2048,
        "thinking": {"type": "enabled", "budget_tokens": 1024},
    }
    thought = client.messages.create(**thinking_request, messages=ask)
    replay = client.messages.create(
        **thinking_request,
        messages=[*ask, {"role": "assistant", "content": thought.content}, {"role": "user", "content": "More"}],
    )
    seen["thinking"] = {"first": thought.content[0].type, "replay": replay.content[0].text}

    counted = client.messages.count_tokens(model=model, messages=[{"role": "user", "content": "a b c"}])
    seen["count_tokens"] = counted.input_tokens

    seen["unknown_model"] = error_of(
        lambda: client.messages.create(model="no-such-model", max_tokens=8, messages=ask)
    )
    seen["overloaded"] = error_of(lambda: client.messages.create(model=model, max_tokens=8, messages=ask))
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
