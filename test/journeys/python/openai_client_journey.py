"""One application's calls through strata-gateway with the official Python `openai` client.

Configured only the way any OpenAI application is, by OPENAI_BASE_URL and OPENAI_API_KEY, plus the
model aliases to use. Prints one JSON document of what the client saw, for
python-client.test.ts to check; the client code knows nothing about Bedrock.
"""

import json
import os
import sys

import openai


def main() -> None:
    chat_model = os.environ["JOURNEY_CHAT_MODEL"]
    stream_model = os.environ["JOURNEY_STREAM_MODEL"]
    embed_model = os.environ["JOURNEY_EMBED_MODEL"]
    client = openai.OpenAI(max_retries=0, timeout=20)
    seen: dict = {"openai_version": openai.__version__}

    raw = client.chat.completions.with_raw_response.create(
        model=chat_model,
        messages=[{"role": "user", "content": "Say hello."}],
        max_completion_tokens=64,
    )
    chat = raw.parse()
    seen["chat"] = {
        "model": chat.model,
        "content": chat.choices[0].message.content,
        "finish_reason": chat.choices[0].finish_reason,
        "usage": chat.usage.model_dump() if chat.usage else None,
        "dropped_header": raw.headers.get("x-strata-dropped-params"),
    }

    pieces = []
    usage = None
    with client.chat.completions.create(
        model=stream_model,
        messages=[{"role": "user", "content": "Count to three."}],
        stream=True,
        stream_options={"include_usage": True},
    ) as stream:
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
            if chunk.usage is not None:
                usage = chunk.usage.model_dump()
    seen["stream"] = {"content": "".join(pieces), "usage": usage}

    response = client.responses.create(
        model=chat_model, instructions="Be brief.", input="Say hello."
    )
    seen["responses"] = {
        "model": response.model,
        "status": response.status,
        "output_text": response.output_text,
    }

    events = []
    with client.responses.create(
        model=stream_model, input="Stream please.", stream=True
    ) as stream:
        for event in stream:
            events.append(event.type)
            if event.type == "response.completed":
                seen["responses_stream_completed_model"] = event.response.model
    seen["responses_stream"] = {"first": events[0], "last": events[-1], "count": len(events)}

    embeddings = client.embeddings.create(model=embed_model, input=["one", "two"], dimensions=256)
    seen["embeddings"] = {
        "model": embeddings.model,
        "count": len(embeddings.data),
        "dimensions": [len(item.embedding) for item in embeddings.data],
    }

    seen["models"] = sorted(model.id for model in client.models.list())

    try:
        client.chat.completions.create(
            model="no-such-model", messages=[{"role": "user", "content": "Hi"}]
        )
        seen["unknown_model"] = None
    except openai.NotFoundError as error:
        seen["unknown_model"] = {"status": error.status_code, "code": error.code}

    json.dump(seen, sys.stdout)


if __name__ == "__main__":
    main()
