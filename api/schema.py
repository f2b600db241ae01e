"""Answers every API operation can give, added to the OpenAPI schema in one place."""

NUL_REFUSAL = {
    "schema": {"type": "string"},
    "example": "Bad request: the address or a form field contains a NUL character (%00)…",
}
THROTTLED = {
    "description": "Too many requests from this address; Retry-After says when to try again.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


NO_NUL = r"^[^\x00]*$"


def document_refusals(result: dict, generator, request, public) -> dict:
    """drf-spectacular post-processing hook: the 429 of the rate limit, and the plain-text 400
    that config.middleware.RefuseNulMiddleware gives any request holding a NUL character (so no
    text parameter may hold one)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if schema.get("type") == "string" and "format" not in schema:
                    schema.setdefault("pattern", NO_NUL)
            responses = operation.setdefault("responses", {})
            responses.setdefault("429", THROTTLED)
            refused = responses.setdefault("400", {"description": "A refused request."})
            refused.setdefault("content", {})["text/plain"] = NUL_REFUSAL
    return result
