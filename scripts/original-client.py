"""Runs a client generated from the original project's API document against
recipe-server: the calls the original's sender and users make, with the
expectations of shared/design.md ("The original project's API", "Make
identity", "The flat list").

scripts/original-client generates the client (package
`original_recipe_client`, on PYTHONPATH) from docs/original-api/openapi.yaml,
starts the server and runs this file:

    python scripts/original-client.py BASE_URL TOKEN DOCUMENT

Every request goes through the generated client; nothing here speaks HTTP.
The generated client (openapi-python-client) checks required fields and
enums when it parses, but not JSON types (a string where the document says
number passes). The original's own generated client (OpenAPI Generator,
pydantic models) does check them, so each body is also validated against the
document's schema for its status: the strictness of that client, from the
same document.

It stops at the first failed expectation, printing the request, the response
status and the body, and exits 1.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any, NoReturn

import httpx
import yaml
from openapi_schema_validator import OAS30Validator
from original_recipe_client import AuthenticatedClient
from original_recipe_client.api.default import (
    add_recipe,
    add_recipe_make,
    get_recipe,
    get_recipe_make,
    get_recipe_make_differences,
    update_recipe,
)
from original_recipe_client.models import (
    DifferenceObject,
    DifferenceObjectIngredientField,
    DifferenceObjectRecipeField,
    Ingredient,
    Recipe,
    Step,
)
from original_recipe_client.types import Unset

RECIPE_ID = 101
PREFIX = "original-client:"


# --- the records ---------------------------------------------------------


def the_recipe() -> Recipe:
    """Recipe 101: three ingredients, three steps, rated 4."""
    return Recipe(
        recipe_name="Roast Tomato Soup",
        recipe_id=RECIPE_ID,
        rating=4,
        ingredients=[
            Ingredient(ingredient_id=1, quantity=6, measurement="unit", ingredient_name="tomatoes"),
            Ingredient(ingredient_id=2, quantity=2, measurement="TBS", ingredient_name="oliveOil"),
            Ingredient(ingredient_id=3, quantity=1, measurement="tsp", ingredient_name="salt"),
        ],
        steps=[
            Step(step_id=1, step_text="Preheat the oven"),
            Step(step_id=2, step_text="Roast the tomatoes in the olive oil until soft"),
            Step(step_id=3, step_text="Blend with the salt and serve hot"),
        ],
    )


REMOVED_STEP_ID = 1
REMOVED_STEP_TEXT = "Preheat the oven"


def the_make() -> Recipe:
    """A make of recipe 101 with no makeId: 8 tomatoes instead of 6, the
    first step skipped, rated 5. Every difference fits the original enums
    (a quantity, a rating, a removed instruction)."""
    make = the_recipe()
    make.rating = 5
    make.ingredients[0].quantity = 8
    make.steps = [step for step in make.steps if step.step_id != REMOVED_STEP_ID]
    return make


def the_update() -> Recipe:
    """Recipe 101 replaced: rated 3, its last step reworded."""
    recipe = the_recipe()
    recipe.rating = 3
    recipe.steps[2].step_text = "Blend with the salt, then serve hot"
    return recipe


# --- reporting -----------------------------------------------------------


class Exchange:
    """The last request and response the generated client made, kept by an
    httpx event hook so a failure can show them even when the generated
    parser raised before handing the response back."""

    def __init__(self) -> None:
        self.response: httpx.Response | None = None

    def hook(self, response: httpx.Response) -> None:
        response.read()
        self.response = response

    def describe(self) -> str:
        response = self.response
        if response is None:
            return "  (no response was received)"
        request = response.request
        body = response.text
        if len(body) > 4000:
            body = body[:4000] + f"… ({len(response.text)} characters)"
        return (
            f"  request: {request.method} {request.url}\n"
            f"  status: {response.status_code}\n"
            f"  body: {body}"
        )


EXCHANGE = Exchange()
CLIENT: AuthenticatedClient
DOCUMENT: Document
STEP = "start"


def fail(message: str) -> NoReturn:
    print(f"{PREFIX} FAILED at {STEP}: {message}", file=sys.stderr)
    print(EXCHANGE.describe(), file=sys.stderr)
    sys.exit(1)


def expect(condition: bool, message: str) -> None:
    if not condition:
        fail(message)


def step(name: str) -> None:
    global STEP
    STEP = name
    print(f"{PREFIX} {name}")


# --- the document's schemas, strictly -------------------------------------


class Document:
    def __init__(self, path: str) -> None:
        with open(path, encoding="utf-8") as file:
            self.spec: dict[str, Any] = yaml.safe_load(file)

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target: Any = self.spec
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node

    def response_schema(self, operation_id: str, status: int) -> dict[str, Any]:
        for item in self.spec["paths"].values():
            for operation in item.values():
                if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                    response = self._resolve(operation["responses"][str(status)])
                    return response["content"]["application/json"]["schema"]
        raise KeyError(f"no operation {operation_id} answering {status} in the document")

    def problems(self, operation_id: str, status: int) -> str | None:
        """What is wrong with the body of the last response against the
        document's schema for `operation_id` and `status` (JSON types,
        required fields, enums), or None when it conforms."""
        try:
            schema = self.response_schema(operation_id, status)
        except KeyError:
            return f"the document has no JSON body for {operation_id}'s {status}"
        response = EXCHANGE.response
        assert response is not None
        try:
            body = response.json()
        except ValueError:
            return "the body is not JSON"
        validator = OAS30Validator({**schema, "components": self.spec["components"]})
        errors = sorted(
            validator.iter_errors(body), key=lambda e: [str(p) for p in e.absolute_path]
        )
        if not errors:
            return None
        return "; ".join(
            f"at {'/'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}"
            for error in errors[:5]
        )

    def check(self, operation_id: str, status: int) -> None:
        problems = self.problems(operation_id, status)
        if problems:
            fail(
                f"the {status} body does not conform to the original document's {operation_id} response ({problems})"
            )


# --- calling -------------------------------------------------------------


def call(operation: Any, operation_id: str, **arguments: Any) -> Any:
    """One generated operation's sync_detailed; a body the generated parser
    refuses (a missing required field, a value outside an enum, a list that
    is not a list) is a failure that names the parser's complaint and what
    the document's schema says about the body."""
    EXCHANGE.response = None
    try:
        return operation.sync_detailed(client=CLIENT, **arguments)
    except httpx.HTTPError as error:
        fail(f"{operation_id}: no answer ({type(error).__name__}: {error})")
    except Exception as error:  # noqa: BLE001 - whatever the generated parser raised
        message = f"the generated client could not parse the {operation_id} response ({type(error).__name__}: {error})"
        if EXCHANGE.response is not None:
            problems = DOCUMENT.problems(operation_id, EXCHANGE.response.status_code)
            if problems:
                message += f"; against the original document: {problems}"
        fail(message)


def is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def number_in(text: Any) -> float | None:
    """The first number in a difference's text: "4", "4.0", "8 unit"."""
    if not isinstance(text, str):
        return None
    match = re.search(r"[-+]?\d+(?:\.\d+)?", text)
    return float(match.group()) if match else None


def make_id_of(recipe: Recipe) -> Any:
    """A make's `makeId`: a field if the document ever declares one, else the
    additional property it is for the original `recipe` schema."""
    declared = getattr(recipe, "make_id", None)
    if declared is not None and not isinstance(declared, Unset):
        return declared
    return recipe.additional_properties.get("makeId")


def unset(value: Any) -> bool:
    return isinstance(value, Unset)


def shown(value: Any) -> str:
    return "absent" if unset(value) or value is None else repr(value)


def expect_recipe(parsed: Any, want: Recipe, what: str) -> None:
    """`parsed` is the generated `recipe` model and carries `want`'s content
    (the recipe itself at the top level, not wrapped in an envelope)."""
    expect(
        isinstance(parsed, Recipe),
        f"{what}: the generated client parsed no `recipe` (got {parsed!r})",
    )
    expect(
        not (unset(parsed.recipe_name) and unset(parsed.ingredients) and unset(parsed.steps)),
        f"{what}: the body has no recipeName, ingredients or steps at its top level, only"
        f" {sorted(parsed.to_dict())}: the original answers the `recipe` itself, not an envelope",
    )
    expect(
        parsed.recipe_id == want.recipe_id,
        f"{what}: recipeId is {shown(parsed.recipe_id)}, want {want.recipe_id}",
    )
    expect(
        parsed.recipe_name == want.recipe_name,
        f"{what}: recipeName is {shown(parsed.recipe_name)}, want {want.recipe_name!r}",
    )
    expect(
        is_number(parsed.rating) and float(parsed.rating) == float(want.rating),
        f"{what}: rating is {shown(parsed.rating)}, want {want.rating}",
    )
    expect(not unset(parsed.ingredients), f"{what}: the body has no `ingredients` at its top level")
    got_amounts = [(i.ingredient_id, i.quantity) for i in parsed.ingredients]
    want_amounts = [(i.ingredient_id, i.quantity) for i in want.ingredients]
    expect(
        len(got_amounts) == len(want_amounts)
        and all(
            is_number(g[0])
            and is_number(g[1])
            and float(g[0]) == float(w[0])
            and float(g[1]) == float(w[1])
            for g, w in zip(got_amounts, want_amounts)
        ),
        f"{what}: ingredients (id, quantity) are {got_amounts}, want {want_amounts}",
    )
    expect(not unset(parsed.steps), f"{what}: the body has no `steps` at its top level")
    got_steps = [s.step_text for s in parsed.steps]
    want_steps = [s.step_text for s in want.steps]
    expect(got_steps == want_steps, f"{what}: step texts are {got_steps}, want {want_steps}")


# --- the run -------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url")
    parser.add_argument("token")
    parser.add_argument("document")
    args = parser.parse_args()

    global CLIENT, DOCUMENT
    DOCUMENT = document = Document(args.document)
    CLIENT = client = AuthenticatedClient(
        base_url=args.base_url,
        token=args.token,
        timeout=httpx.Timeout(10.0),
        raise_on_unexpected_status=False,
        httpx_args={"event_hooks": {"response": [EXCHANGE.hook]}},
    )

    # a. addRecipe
    step(f"addRecipe (POST /recipes, recipe {RECIPE_ID})")
    response = call(add_recipe, "addRecipe", body=the_recipe())
    status = int(response.status_code)
    expect(status in (200, 201), f"addRecipe answered {status}, want 200 or 201")
    document.check("addRecipe", status)
    expect_recipe(response.parsed, the_recipe(), "addRecipe")
    print(f"{PREFIX}   {status}, recipe {RECIPE_ID} stored")

    # b. addRecipeMake twice, the same body, no makeId: two makes.
    make_ids: list[int] = []
    for attempt in (1, 2):
        step(f"addRecipeMake #{attempt} (POST /recipes/{RECIPE_ID}/makes, no makeId)")
        body = the_make()
        expect(
            "makeId" not in body.to_dict(), "the make's body names a makeId (a bug in this test)"
        )
        response = call(add_recipe_make, "addRecipeMake", recipe_id=RECIPE_ID, body=body)
        status = int(response.status_code)
        expect(
            status == 201,
            f"addRecipeMake answered {status}, want 201 (a new make: no makeId, no Idempotency-Key)",
        )
        document.check("addRecipeMake", status)
        parsed = response.parsed
        expect(
            isinstance(parsed, Recipe),
            f"addRecipeMake: the generated client parsed no `recipe` (got {parsed!r})",
        )
        make_id = make_id_of(parsed)
        expect(
            is_integer(make_id),
            f"the make's top-level makeId is {shown(make_id)} ({type(make_id).__name__}), want an integer",
        )
        expect_recipe(parsed, the_make(), "addRecipeMake")
        make_ids.append(make_id)
        print(f"{PREFIX}   201, makeId {make_id}")
    step("the two makes' ids")
    expect(
        make_ids[1] == make_ids[0] + 1,
        f"the same body posted twice gave makeIds {make_ids}, want two consecutive integers (two makes)",
    )

    for make_id in make_ids:
        # c. getRecipeMake
        step(f"getRecipeMake (GET /recipes/{RECIPE_ID}/makes/{make_id})")
        response = call(get_recipe_make, "getRecipeMake", recipe_id=RECIPE_ID, make_id=make_id)
        status = int(response.status_code)
        expect(status == 200, f"getRecipeMake answered {status}, want 200")
        document.check("getRecipeMake", status)
        expect_recipe(response.parsed, the_make(), "getRecipeMake")
        got = make_id_of(response.parsed)
        expect(
            is_integer(got) and got == make_id, f"the make's makeId is {shown(got)}, want {make_id}"
        )
        print(f"{PREFIX}   200, make {make_id} of recipe {RECIPE_ID}")

        # d. getRecipeMakeDifferences: the flat list, within the original enums.
        step(f"getRecipeMakeDifferences (GET /recipes/{RECIPE_ID}/makes/{make_id}/differences)")
        response = call(
            get_recipe_make_differences,
            "getRecipeMakeDifferences",
            recipe_id=RECIPE_ID,
            make_id=make_id,
        )
        status = int(response.status_code)
        expect(status == 200, f"getRecipeMakeDifferences answered {status}, want 200")
        document.check("getRecipeMakeDifferences", status)
        items = response.parsed
        expect(
            isinstance(items, list) and all(isinstance(item, DifferenceObject) for item in items),
            f"the generated client parsed no list of differenceObject (got {items!r})",
        )
        check_differences(items, make_id)
        print(
            f"{PREFIX}   200, {len(items)} differences: rating, ingredient quantity, removed instruction"
        )

    # e. updateRecipe, then getRecipe shows the change.
    step("updateRecipe (PUT /recipes, the id in the body)")
    response = call(update_recipe, "updateRecipe", body=the_update())
    status = int(response.status_code)
    expect(status == 200, f"updateRecipe answered {status}, want 200")
    document.check("updateRecipe", status)
    expect_recipe(response.parsed, the_update(), "updateRecipe")
    print(f"{PREFIX}   200, recipe {RECIPE_ID} rated 3, its last step reworded")

    step(f"getRecipe (GET /recipes/{RECIPE_ID}) after the update")
    response = call(get_recipe, "getRecipe", recipe_id=RECIPE_ID)
    status = int(response.status_code)
    expect(status == 200, f"getRecipe answered {status}, want 200")
    document.check("getRecipe", status)
    expect_recipe(response.parsed, the_update(), "getRecipe")
    print(f"{PREFIX}   200, the update is there")

    client.get_httpx_client().close()
    print(f"{PREFIX} passed")


def check_differences(items: list[DifferenceObject], make_id: int) -> None:
    def show(item: DifferenceObject) -> str:
        return json.dumps(item.to_dict())

    for item in items:
        expect(
            isinstance(item.recipe_field, DifferenceObjectRecipeField),
            f"recipeField outside the original enum: {show(item)}",
        )
        expect(
            is_number(item.make_id) and float(item.make_id) == make_id,
            f"an item's makeId is {shown(item.make_id)}, want {make_id}: {show(item)}",
        )
        expect(
            is_number(item.recipe_id) and float(item.recipe_id) == RECIPE_ID,
            f"an item's recipeId is {shown(item.recipe_id)}, want {RECIPE_ID}: {show(item)}",
        )

    def only(field: DifferenceObjectRecipeField, what: str) -> DifferenceObject:
        found = [item for item in items if item.recipe_field == field]
        expect(len(found) == 1, f"want one {field.value} item ({what}), found {len(found)}")
        return found[0]

    rating = only(DifferenceObjectRecipeField.RATING, "the rating 4 → 5")
    expect(
        number_in(rating.difference.recipe) == 4 and number_in(rating.difference.make) == 5,
        f"the rating item's difference is not 4 → 5: {show(rating)}",
    )
    expect(
        unset(rating.ingredient_field) and unset(rating.ingredient_id) and unset(rating.step_id),
        f"the rating item names an ingredient or a step: {show(rating)}",
    )

    quantity = only(DifferenceObjectRecipeField.INGREDIENT, "the tomatoes' quantity 6 → 8")
    expect(
        is_number(quantity.ingredient_id) and float(quantity.ingredient_id) == 1,
        f"the quantity item's ingredientId is {shown(quantity.ingredient_id)}, want 1: {show(quantity)}",
    )
    expect(
        quantity.ingredient_field == DifferenceObjectIngredientField.QUANTITY,
        f"the quantity item's ingredientField is {shown(quantity.ingredient_field)}, want quantity: {show(quantity)}",
    )
    expect(
        number_in(quantity.difference.recipe) == 6 and number_in(quantity.difference.make) == 8,
        f"the quantity item's difference is not 6 → 8: {show(quantity)}",
    )

    removed = only(DifferenceObjectRecipeField.INSTRUCTION, f"step {REMOVED_STEP_ID} removed")
    expect(
        is_number(removed.step_id) and float(removed.step_id) == REMOVED_STEP_ID,
        f"the removed step's stepId is {shown(removed.step_id)}, want {REMOVED_STEP_ID}: {show(removed)}",
    )
    expect(
        unset(removed.ingredient_field) and unset(removed.ingredient_id),
        f"the removed step's item names an ingredient: {show(removed)}",
    )
    expect(
        removed.difference.recipe == REMOVED_STEP_TEXT and removed.difference.make == "",
        f"the removed step's difference is not {REMOVED_STEP_TEXT!r} → '': {show(removed)}",
    )

    expect(
        len(items) == 3, f"want exactly 3 differences, got {len(items)}: {[show(i) for i in items]}"
    )


if __name__ == "__main__":
    main()
