"""Schemathesis hooks of scripts/api-fuzz: the rules of the API that its
OpenAPI document cannot state, because OpenAPI has no way to say that one
part of a request depends on another, or on an earlier answer.

- The three `X-Recipe-Source-*` headers go together: the sender sets all of
  them or none, and the server refuses one or two with a 400 rather than
  name a make by half a source.
- A body's `recipeId`, when present, is the one in the path of
  `PUT /recipes/{recipeId}` and `POST /recipes/{recipeId}/makes`; another id
  is a 400 naming `recipeId`.
- An `Idempotency-Key` names one request: sent again with another body it
  is a 422 ("this key recorded make N with another body"), which is the
  point of the key. A request meant to be valid carries a key of its own
  body: the generated key with the body's digest appended.
- A list's `cursor` is one the server gave, in the `nextCursor` of the page
  before: a position only the store can write (the last key it read),
  which no schema can describe. A cursor made up by a client is a 400
  ("not one this list gave"). A request meant to be valid goes without
  one, and reads the first page.

Where schemathesis means a request to be valid (the parts concerned were
generated in positive mode), we make it keep these rules; every check stays
on, and requests meant to be invalid are left alone.
"""

import hashlib
import json

import schemathesis
from schemathesis.core.parameters import ParameterLocation

SOURCE_HEADERS = (
    "X-Recipe-Source-Bucket",
    "X-Recipe-Source-Key",
    "X-Recipe-Source-Etag",
)


def _negative_at(case, *locations):
    meta = case.meta
    return meta is not None and any(meta.is_negative_at(at) for at in locations)


def _complete_source_headers(case):
    headers = case.headers
    if not headers or _negative_at(case, ParameterLocation.HEADER):
        return
    present = {name.lower() for name in headers}
    found = [name for name in SOURCE_HEADERS if name.lower() in present]
    if not 0 < len(found) < len(SOURCE_HEADERS):
        return
    completed = dict(headers)
    for name in SOURCE_HEADERS:
        if name.lower() not in present:
            completed[name] = "api-fuzz"
    case.headers = completed


def _whole_number(value):
    """The path's id as the server reads it (`7`, `"7"`, `"7.0"`), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(value)
    except (TypeError, ValueError):
        pass
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def _agree_on_recipe_id(case):
    body = case.body
    path_id = (case.path_parameters or {}).get("recipeId")
    if (
        not isinstance(body, dict)
        or body.get("recipeId") is None
        or path_id is None
        or _negative_at(case, ParameterLocation.BODY, ParameterLocation.PATH)
    ):
        return
    recipe_id = _whole_number(path_id)
    if recipe_id is not None and body["recipeId"] != recipe_id:
        case.body = {**body, "recipeId": recipe_id}


def _key_of_its_own_body(case):
    headers = case.headers
    if not headers or _negative_at(case, ParameterLocation.HEADER):
        return
    name = next((n for n in headers if n.lower() == "idempotency-key"), None)
    if name is None or not isinstance(headers[name], str):
        return
    body = json.dumps(case.body, sort_keys=True, default=str).encode()
    digest = hashlib.sha256(body).hexdigest()[:16]
    # Visible ASCII, at most 255 characters, as the header's pattern says.
    case.headers = {**headers, name: f"{headers[name][:200]}-{digest}"}


def _no_invented_cursor(case):
    query = case.query
    if not query or "cursor" not in query or _negative_at(case, ParameterLocation.QUERY):
        return
    case.query = {name: value for name, value in query.items() if name != "cursor"}


# Right before each request is sent, so it applies in every phase: the
# stateful phase fills path parameters from earlier responses after the
# case was generated.
@schemathesis.hook
def before_call(context, case, **kwargs):
    _complete_source_headers(case)
    _no_invented_cursor(case)
    _key_of_its_own_body(case)
    if case.method.upper() in ("PUT", "POST") and "{recipeId}" in case.path:
        _agree_on_recipe_id(case)
