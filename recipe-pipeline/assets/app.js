// The recipe-diff dashboard: a small ES module, no build step, no
// dependencies. It routes on the URL fragment (#/recipes/2/makes/1), reads
// the JSON API of the server that served it, and builds every node with
// the DOM API. Recipe text only ever goes in through `textContent` (the
// `h` helper below), never as markup, so a recipe named `<script>` is
// shown, not run.

const view = document.getElementById("view");
const statusLine = document.getElementById("status");
const crumbs = document.getElementById("crumbs");
const SVG = "http://www.w3.org/2000/svg";

// ---- DOM helpers -----------------------------------------------------------

/** An HTML element: attributes, then children (nodes, or strings as text). */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

/** An SVG element, the same way. */
function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

function setAttributes(element, attributes) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// ---- Formatting ------------------------------------------------------------

function number(value, digits = 2) {
  if (typeof value !== "number" || !Number.isFinite(value)) return String(value ?? "");
  return String(Number(value.toFixed(digits)));
}

function rating(value) {
  return value === null || value === undefined ? "not rated" : `★ ${number(value, 1)}/5`;
}

function date(text) {
  const parsed = new Date(text);
  if (Number.isNaN(parsed.getTime())) return text || "undated";
  return parsed.toLocaleDateString("en-GB", { year: "numeric", month: "short", day: "numeric" });
}

function plural(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}

/** `1.5 tsp cinnamon (sifted)`. */
function ingredientText(ingredient) {
  if (!ingredient) return "";
  const parts = [];
  if (ingredient.quantity !== undefined && ingredient.quantity !== null) {
    parts.push(typeof ingredient.quantity === "number" ? number(ingredient.quantity, 3) : ingredient.quantity);
  }
  if (ingredient.measurement) parts.push(ingredient.measurement);
  parts.push(ingredient.ingredientName);
  const text = parts.join(" ");
  return ingredient.note ? `${text}, ${ingredient.note}` : text;
}

/** The ingredient with the fields that differ marked. */
function ingredientCell(ingredient, fields, side) {
  if (!ingredient) return h("span", { class: "absent" }, side === "make" ? "— not used" : "— not in the original");
  const amount = [];
  if (ingredient.quantity !== undefined && ingredient.quantity !== null) {
    amount.push(typeof ingredient.quantity === "number" ? number(ingredient.quantity, 3) : ingredient.quantity);
  }
  if (ingredient.measurement) amount.push(ingredient.measurement);
  const mark = (field, text) =>
    fields.includes(field) ? h("mark", { class: side }, text) : text;
  const amountChanged = fields.includes("quantity") || fields.includes("measurement");
  return h(
    "span",
    { class: "ingredient" },
    amount.length ? [amountChanged ? h("mark", { class: side }, amount.join(" ")) : amount.join(" "), " "] : null,
    mark("ingredientName", ingredient.ingredientName),
    ingredient.note ? [", ", mark("note", ingredient.note)] : null,
  );
}

// ---- Data ------------------------------------------------------------------

async function api(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      message = (await response.json()).error || message;
    } catch {
      // Not the API's error shape; the status says enough.
    }
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return response.json();
}

const recipeUrl = (id) => `#/recipes/${encodeURIComponent(id)}`;
const makeUrl = (id, makeId) => `${recipeUrl(id)}/makes/${encodeURIComponent(makeId)}`;
const analyticsUrl = (id) => `${recipeUrl(id)}/analytics`;

// ---- Shared pieces ---------------------------------------------------------

function setCrumbs(...items) {
  crumbs.replaceChildren(
    ...[["Recipes", "#/"], ...items].map(([label, href], i, all) =>
      h("li", {}, i === all.length - 1 ? h("span", { "aria-current": "page" }, label) : h("a", { href }, label)),
    ),
  );
}

function stat(label, value, detail) {
  return h("div", { class: "stat" }, h("dt", {}, label), h("dd", {}, value, detail ? h("small", {}, detail) : null));
}

/** What to do when there is nothing to show yet. */
function emptyState(title, ...body) {
  return h("div", { class: "empty" }, h("h3", {}, title), ...body);
}

function dropInstructions(recipeId) {
  return [
    h(
      "p",
      {},
      "Cook it, then save the recipe as you made it — the same JSON, with ",
      h("code", {}, `"recipeId": ${recipeId ?? "…"}`),
      ", your ",
      h("code", {}, '"rating"'),
      " and optionally ",
      h("code", {}, '"madeAt"'),
      " and ",
      h("code", {}, '"notes"'),
      " — into the bucket's ",
      h("code", {}, "makes/"),
      " folder.",
    ),
    h(
      "p",
      {},
      "With ",
      h("code", {}, "recipe up"),
      " that is ",
      h("code", {}, "recipe-data/bucket/makes/"),
      ". It shows up here within a second or two; reload the page.",
    ),
  ];
}

function section(title, ...children) {
  const id = `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return h("section", { "aria-labelledby": id }, h("h2", { id }, title), ...children);
}

function table(caption, headings, rows, className = "") {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: `stacked ${className}` },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, headings.map((text) => h("th", { scope: "col" }, text)))),
      h(
        "tbody",
        {},
        rows.map((row) =>
          h(
            "tr",
            { class: row.class },
            row.cells.map((cell, i) =>
              i === 0 && row.header !== false
                ? h("th", { scope: "row", "data-label": headings[i] }, cell)
                : h("td", { "data-label": headings[i] }, cell),
            ),
          ),
        ),
      ),
    ),
  );
}

/** A change's symbol and its word, so colour is never the only sign. */
function badge(kind, text) {
  const symbols = {
    more: "▲",
    less: "▼",
    reworded: "✎",
    edited: "✎",
    leftOut: "−",
    removed: "−",
    skipped: "✕",
    addedIngredient: "+",
    added: "+",
    addedStep: "+",
    swapped: "⇄",
    moved: "↕",
    scaled: "×",
    renamed: "✎",
    restated: "=",
    same: "·",
    better: "▲",
    worse: "▼",
  };
  return h("span", { class: `badge ${kind}` }, h("span", { "aria-hidden": "true" }, symbols[kind] ?? "•"), " ", text);
}

// ---- Charts (inline SVG) ---------------------------------------------------

/** How many makes a recipe page lists; the timeline shows them all. */
const LATEST_MAKES = 50;

const CHART = { width: 640, height: 220, left: 40, right: 16, top: 16, bottom: 36 };

function timeScale(points) {
  const times = points.map((p) => new Date(p.madeAt).getTime()).filter(Number.isFinite);
  let min = Math.min(...times);
  let max = Math.max(...times);
  if (!times.length) {
    min = 0;
    max = 1;
  }
  if (min === max) {
    min -= 86_400_000;
    max += 86_400_000;
  }
  const span = CHART.width - CHART.left - CHART.right;
  return (text) => {
    const t = new Date(text).getTime();
    return CHART.left + (Number.isFinite(t) ? ((t - min) / (max - min)) * span : span / 2);
  };
}

/**
 * With many makes a line through every rating is noise: this is the mean
 * rating of the makes in each of 40 equal stretches of time, as
 * [x, rating] pairs.
 */
function averaged(rated, x) {
  const buckets = new Map();
  const left = CHART.left;
  const span = CHART.width - CHART.left - CHART.right;
  for (const p of rated) {
    const bucket = Math.min(39, Math.floor(((x(p.madeAt) - left) / span) * 40));
    const [sum, n] = buckets.get(bucket) ?? [0, 0];
    buckets.set(bucket, [sum + p.rating, n + 1]);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([bucket, [sum, n]]) => [left + ((bucket + 0.5) / 40) * span, sum / n]);
}

/**
 * A chart mark linking to its make. With many makes it is a plain mark, so
 * the keyboard does not have to step through thousands of links; the list
 * under the timeline has the latest ones.
 */
function linkedPoint(nodes, recipeId, point, many, label) {
  if (many) return s("g", {}, nodes);
  return s("a", { href: makeUrl(recipeId, point.makeId), "aria-label": label }, nodes);
}

/** Rating over time: one point a make, the original's rating dashed. */
function ratingChart(recipeId, points, originalRating) {
  const rated = points.filter((p) => p.rating !== null && p.rating !== undefined);
  if (!rated.length) {
    return h("p", { class: "muted" }, "No make has a rating yet: add ", h("code", {}, '"rating"'), " to a make to see the chart.");
  }
  const x = timeScale(points);
  const y = (value) => CHART.top + (1 - value / 5) * (CHART.height - CHART.top - CHART.bottom);
  const label = `Rating over time: ${rated.map((p) => `${date(p.madeAt)} ${number(p.rating, 1)}`).join(", ")}`;
  const svg = s("svg", {
    viewBox: `0 0 ${CHART.width} ${CHART.height}`,
    class: "chart rating-chart",
    role: "img",
    "aria-label": label,
  });
  for (const tick of [0, 1, 2, 3, 4, 5]) {
    svg.append(
      s("line", { x1: CHART.left, x2: CHART.width - CHART.right, y1: y(tick), y2: y(tick), class: "grid" }),
      s("text", { x: CHART.left - 8, y: y(tick) + 4, "text-anchor": "end", class: "axis" }, `${tick}★`),
    );
  }
  if (originalRating !== null && originalRating !== undefined) {
    svg.append(
      s("line", { x1: CHART.left, x2: CHART.width - CHART.right, y1: y(originalRating), y2: y(originalRating), class: "baseline" }),
      s("text", { x: CHART.width - CHART.right, y: y(originalRating) - 6, "text-anchor": "end", class: "axis" }, `original ${number(originalRating, 1)}★`),
    );
  }
  const many = rated.length > LATEST_MAKES;
  const line = s("polyline", { points: (many ? averaged(rated, x) : rated.map((p) => [x(p.madeAt), p.rating])).map(([px, r]) => `${px},${y(r)}`).join(" "), class: "line" });
  // Few points sit on their line; many points sit under their average.
  if (!many) svg.append(line);
  for (const p of rated) {
    const point = s("circle", { cx: x(p.madeAt), cy: y(p.rating), r: many ? 3 : 6, class: "point" }, s("title", {}, `${date(p.madeAt)}: ${rating(p.rating)}`));
    svg.append(linkedPoint(point, recipeId, p, many, `Make of ${date(p.madeAt)}, rated ${number(p.rating, 1)}`));
  }
  if (many) svg.append(line);
  const first = points[0];
  const last = points[points.length - 1];
  svg.append(s("text", { x: CHART.left, y: CHART.height - 10, class: "axis" }, date(first.madeAt)));
  if (last !== first) {
    svg.append(s("text", { x: CHART.width - CHART.right, y: CHART.height - 10, "text-anchor": "end", class: "axis" }, date(last.madeAt)));
  }
  const caption = many
    ? "Each point is a make; the line is the average rating over time, the dashed line the original recipe's rating."
    : "Each point is a make; the dashed line is the original recipe's rating.";
  return h("figure", { class: "chart-figure" }, svg, h("figcaption", {}, caption));
}

/** Makes on a time axis; each mark links to the make, sized by how much it changed. */
function timeline(recipeId, points) {
  const height = 90;
  const x = timeScale(points);
  const axisY = 50;
  const svg = s("svg", {
    viewBox: `0 0 ${CHART.width} ${height}`,
    class: "chart timeline",
    role: "img",
    "aria-label": `Timeline of ${plural(points.length, "make")}, from ${date(points[0].madeAt)} to ${date(points[points.length - 1].madeAt)}`,
  });
  svg.append(s("line", { x1: CHART.left, x2: CHART.width - CHART.right, y1: axisY, y2: axisY, class: "axis-line" }));
  // Labels at the ends grow inwards, so none is cut off.
  const anchor = (cx) => (cx < CHART.left + 60 ? "start" : cx > CHART.width - CHART.right - 60 ? "end" : "middle");
  const many = points.length > LATEST_MAKES;
  points.forEach((p, i) => {
    const cx = x(p.madeAt);
    svg.append(
      linkedPoint(
        [
          s("circle", { cx, cy: axisY, r: many ? 3 : 5 + Math.min(p.changeCount, 10), class: "event" }, s("title", {}, `${date(p.madeAt)} — ${plural(p.changeCount, "difference")}, ${rating(p.rating)}`)),
          // Every date while they fit; the first and last when there are many.
          points.length <= 12 || i === 0 || i === points.length - 1
            ? s("text", { x: cx, y: axisY + (i % 2 ? 34 : -22), "text-anchor": anchor(cx), class: "axis" }, date(p.madeAt))
            : null,
        ],
        recipeId,
        p,
        many,
        `Make of ${date(p.madeAt)}: ${plural(p.changeCount, "difference")}`,
      ),
    );
  });
  return svg;
}

// ---- Pages -----------------------------------------------------------------

async function listPage() {
  setCrumbs();
  const overview = await api("/analytics");
  const page = [h("h1", { tabindex: "-1" }, "Recipes")];
  document.title = "Recipes — Recipe diff";
  if (!overview.recipes.length) {
    page.push(
      emptyState(
        "No recipes yet",
        h("p", {}, "Drop a recipe (a JSON file with ", h("code", {}, "recipeName"), ", ", h("code", {}, "recipeId"), ", ", h("code", {}, "ingredients"), " and ", h("code", {}, "steps"), ") into the bucket's ", h("code", {}, "recipes/"), " folder."),
        h("p", {}, "Each time you cook it, drop the recipe as you made it into ", h("code", {}, "makes/"), ". With ", h("code", {}, "recipe up"), " the bucket is ", h("code", {}, "recipe-data/bucket/"), "."),
      ),
    );
    return page;
  }
  page.push(
    h(
      "dl",
      { class: "stats" },
      stat("Recipes", String(overview.recipeCount)),
      stat("Makes", String(overview.makeCount)),
      stat("Average deviation", number(overview.averageDeviation, 1), " differences per make"),
    ),
  );

  const search = h("input", { type: "search", id: "search", placeholder: "e.g. pancakes", autocomplete: "off" });
  const list = h("ul", { class: "cards recipes", id: "recipe-list" });
  const none = h("p", { class: "muted", hidden: true, id: "no-match" });
  const cards = overview.recipes.map((recipe) => {
    const card = h(
      "li",
      { class: "card" },
      h("h3", {}, h("a", { href: recipeUrl(recipe.recipeId) }, recipe.recipeName)),
      h(
        "p",
        { class: "meta" },
        recipe.makeCount ? plural(recipe.makeCount, "make") : "Not made yet",
        " · original ",
        rating(recipe.originalRating),
        recipe.averageRating !== null && recipe.averageRating !== undefined ? ` · makes average ${rating(recipe.averageRating)}` : "",
      ),
      h(
        "p",
        { class: "meta" },
        recipe.lastMadeAt ? `Last made ${date(recipe.lastMadeAt)} · ${number(recipe.averageDeviation, 1)} differences per make` : "Drop a make into the bucket's makes/ folder to start its history.",
      ),
    );
    card.dataset.name = recipe.recipeName.toLowerCase();
    return card;
  });
  list.append(...cards);
  search.addEventListener("input", () => {
    const query = search.value.trim().toLowerCase();
    let shown = 0;
    for (const card of cards) {
      card.hidden = query !== "" && !card.dataset.name.includes(query);
      if (!card.hidden) shown += 1;
    }
    none.hidden = shown > 0;
    none.textContent = shown ? "" : `No recipe matches “${search.value.trim()}”.`;
  });
  page.push(
    section(
      "Most made",
      h("div", { class: "search" }, h("label", { for: "search" }, "Search recipes"), search),
      list,
      none,
    ),
  );

  page.push(
    section(
      "Recent makes",
      overview.recentMakes.length
        ? h(
            "ol",
            { class: "recent" },
            overview.recentMakes.map((make) =>
              h(
                "li",
                {},
                h("a", { href: makeUrl(make.recipeId, make.makeId) }, `${make.recipeName}, ${date(make.madeAt)}`),
                h("span", { class: "meta" }, ` — ${plural(make.changeCount, "difference")}, ${rating(make.rating)}`),
              ),
            ),
          )
        : emptyState("Nothing cooked yet", ...dropInstructions()),
    ),
  );
  return page;
}

async function recipePage(id) {
  // The analytics carry every make's date, rating and notes: enough for
  // the timeline, without fetching every make's full record.
  const [recipe, analytics] = await Promise.all([
    api(`/recipes/${encodeURIComponent(id)}`),
    api(`/recipes/${encodeURIComponent(id)}/analytics`),
  ]);
  setCrumbs([recipe.recipeName, recipeUrl(id)]);
  document.title = `${recipe.recipeName} — Recipe diff`;
  const page = [
    h("h1", { tabindex: "-1" }, recipe.recipeName),
    h(
      "dl",
      { class: "stats" },
      stat("Makes", String(analytics.makeCount)),
      stat("Original rating", rating(recipe.rating)),
      stat("Makes' average", rating(analytics.averageRating)),
      stat("Average deviation", number(analytics.averageDeviation, 1), " differences per make"),
    ),
  ];
  if (!analytics.makeCount) {
    page.push(emptyState("Not made yet", ...dropInstructions(id)));
  } else {
    page.push(h("p", {}, h("a", { class: "button", href: analyticsUrl(id) }, "Analytics: what changes, and what works →")));
    const latest = [...analytics.ratings].reverse().slice(0, LATEST_MAKES);
    page.push(
      section(
        "Makes",
        h(
          "figure",
          { class: "chart-figure timeline-figure" },
          timeline(id, analytics.ratings),
          h("figcaption", {}, "Oldest to newest; the larger the circle, the more the make differed from the recipe."),
        ),
        latest.length < analytics.ratings.length
          ? h("p", { class: "muted" }, `The ${latest.length} latest of ${analytics.ratings.length} makes; every make is a point on the timeline and the chart.`)
          : null,
        h(
          "ol",
          { class: "cards makes", reversed: true },
          latest.map((point) => {
            return h(
              "li",
              { class: "card" },
              h("h3", {}, h("a", { href: makeUrl(id, point.makeId) }, `Made ${date(point.madeAt)}`)),
              h("p", { class: "meta" }, `${plural(point.changeCount, "difference")} · ${rating(point.rating)}`),
              point.notes ? h("p", { class: "notes" }, point.notes) : null,
            );
          }),
        ),
      ),
      section("Rating over time", ratingChart(id, analytics.ratings, recipe.rating)),
    );
  }
  page.push(
    section(
      "The original recipe",
      h("div", { class: "columns" },
        h("div", {}, h("h3", {}, "Ingredients"), recipe.ingredients.length ? h("ul", {}, recipe.ingredients.map((i) => h("li", {}, ingredientText(i)))) : h("p", { class: "muted" }, "None listed.")),
        h("div", {}, h("h3", {}, "Steps"), recipe.steps.length ? h("ol", {}, recipe.steps.map((step) => h("li", {}, step.stepText))) : h("p", { class: "muted" }, "None listed.")),
      ),
    ),
  );
  return page;
}

/** Rows of the side-by-side ingredient table, in reading order. */
function ingredientRows(original, make) {
  const diff = make.differences;
  const rows = [];
  const byOriginal = new Map();
  for (const change of diff.ingredients ?? []) {
    if (change.kind === "added") {
      rows.push({ order: change.makeIndex - 0.5, change });
    } else {
      byOriginal.set(change.originalIndex, change);
    }
  }
  const restated = new Map((diff.restatements?.ingredients ?? []).map((pair) => [pair.originalIndex, pair]));
  original.ingredients.forEach((ingredient, index) => {
    const change = byOriginal.get(index) ?? (restated.has(index) ? { kind: "restated", ...restated.get(index) } : { kind: "same" });
    rows.push({ order: index, change, ingredient });
  });
  rows.sort((a, b) => a.order - b.order);
  const scaled = diff.scaling ? ` (scaled ×${number(diff.scaling.factor)})` : "";
  return rows.map(({ change, ingredient }) => {
    switch (change.kind) {
      case "added":
        return { class: "chg added", cells: [badge("added", "added"), ingredientCell(null, [], "make"), ingredientCell(change.ingredient, ["quantity", "ingredientName", "note"], "make")] };
      case "removed":
        return { class: "chg removed", cells: [badge("leftOut", "left out"), ingredientCell(change.ingredient, ["quantity", "ingredientName", "note"], "original"), ingredientCell(null, [], "make")] };
      case "substituted":
        return { class: "chg swapped", cells: [badge("swapped", "swapped"), ingredientCell(change.original, ["ingredientName"], "original"), ingredientCell(change.make, ["ingredientName"], "make")] };
      case "modified": {
        const amount = change.fields.includes("quantity");
        let kind = "reworded";
        let text = "changed";
        if (amount && change.ratio > 1) [kind, text] = ["more", `more ×${number(change.ratio)}`];
        else if (amount && change.ratio < 1) [kind, text] = ["less", `less ×${number(change.ratio)}`];
        return { class: `chg ${kind}`, cells: [badge(kind, text), ingredientCell(change.original, change.fields, "original"), ingredientCell(change.make, change.fields, "make")] };
      }
      case "restated":
        return { class: "restated", cells: [badge("restated", `same${scaled || ", written differently"}`), ingredientCell(change.original, [], "original"), ingredientCell(change.make, [], "make")] };
      default:
        return { class: "same", cells: [badge("same", "unchanged"), ingredientCell(ingredient, [], "original"), ingredientCell(ingredient, [], "make")] };
    }
  });
}

/** Word runs of an edited step from one side: kept words plain, this side's changes marked. */
function words(runs, side) {
  const own = side === "original" ? "delete" : "insert";
  return runs
    .filter((run) => run.op === "equal" || run.op === own)
    .map((run) => (run.op === "equal" ? run.text : h(own === "delete" ? "del" : "ins", {}, run.text)));
}

/** Rows of the side-by-side step table, in the original's order, added steps where the make has them. */
function stepRows(original, make) {
  const diff = make.differences;
  const rows = [];
  const byOriginal = new Map();
  for (const change of diff.steps ?? []) {
    if (change.kind === "added") rows.push({ order: change.makeIndex - 0.5, change });
    else byOriginal.set(change.originalIndex, change);
  }
  const restated = new Map((diff.restatements?.steps ?? []).map((pair) => [pair.originalIndex, pair]));
  original.steps.forEach((step, index) => {
    rows.push({ order: index, change: byOriginal.get(index) ?? { kind: "same", make: restated.get(index)?.make ?? step }, step, index });
  });
  rows.sort((a, b) => a.order - b.order);
  const position = (i) => `step ${i + 1}`;
  return rows.map(({ change, step, index }) => {
    switch (change.kind) {
      case "added":
        return { class: "chg added", cells: [badge("addedStep", `added as ${position(change.makeIndex)}`), h("span", { class: "absent" }, "— not in the original"), h("ins", {}, change.step.stepText)] };
      case "removed":
        return { class: "chg skipped", cells: [badge("skipped", `skipped ${position(index)}`), h("del", {}, change.step.stepText), h("span", { class: "absent" }, "— skipped")] };
      case "edited": {
        const text = change.moved ? `edited, moved ${position(change.originalIndex)} → ${change.makeIndex + 1}` : `edited ${position(index)}`;
        return { class: `chg edited${change.moved ? " moved" : ""}`, cells: [badge(change.moved ? "moved" : "edited", text), h("span", {}, words(change.words, "original")), h("span", {}, words(change.words, "make"))] };
      }
      case "moved":
        return { class: "chg moved", cells: [badge("moved", `moved ${position(change.originalIndex)} → ${change.makeIndex + 1}`), change.original.stepText, change.make.stepText] };
      default:
        return { class: "same", cells: [badge("same", position(index)), step.stepText, change.make.stepText] };
    }
  });
}

/** `s3://bucket/makes%2Fpie.json` as a person reads it. */
function readableSource(source) {
  try {
    return decodeURIComponent(source);
  } catch {
    return source;
  }
}

async function makePage(id, makeId) {
  const [recipe, make] = await Promise.all([
    api(`/recipes/${encodeURIComponent(id)}`),
    api(`/recipes/${encodeURIComponent(id)}/makes/${encodeURIComponent(makeId)}`),
  ]);
  const when = date(make.madeAt ?? make.recordedAt);
  setCrumbs([recipe.recipeName, recipeUrl(id)], [`Made ${when}`, makeUrl(id, makeId)]);
  document.title = `${recipe.recipeName}, made ${when} — Recipe diff`;
  const diff = make.differences;
  const count =
    (diff.name ? 1 : 0) + (diff.rating ? 1 : 0) + (diff.scaling ? 1 : 0) + (diff.ingredients?.length ?? 0) + (diff.steps?.length ?? 0);
  const page = [
    h("h1", { tabindex: "-1" }, `${recipe.recipeName}, made ${when}`),
    h(
      "dl",
      { class: "stats" },
      stat("Differences", String(count)),
      stat(
        "Rating",
        diff.rating ? `${rating(diff.rating.original)} → ${rating(diff.rating.make)}` : rating(make.rating),
        diff.rating && diff.rating.make !== null && diff.rating.original !== null
          ? diff.rating.make > diff.rating.original
            ? badge("better", "higher than the original")
            : badge("worse", "lower than the original")
          : diff.rating ? null : " same as the original",
      ),
    ),
  ];
  if (make.notes) page.push(h("blockquote", { class: "notes" }, h("p", {}, make.notes)));
  const banners = [];
  if (diff.scaling) banners.push(h("li", {}, badge("scaled", `made at ${number(diff.scaling.factor)}× size`), ": every amount multiplied by the same factor, counted as one difference."));
  if (diff.name) banners.push(h("li", {}, badge("renamed", "renamed"), `: “${diff.name.original}” → “${diff.name.make}”`));
  if (banners.length) page.push(h("ul", { class: "banners" }, banners));
  if (!count) page.push(h("p", { class: "empty" }, "Cooked exactly as written: no differences."));
  page.push(
    section("Ingredients", table("Ingredients, original and as made", ["Change", "Original", "As made"], ingredientRows(recipe, make).map((row) => ({ ...row, header: false })), "diff")),
    section(
      "Steps",
      table("Steps, original and as made; removed words are struck through, added words underlined", ["Change", "Original", "As made"], stepRows(recipe, make).map((row) => ({ ...row, header: false })), "diff"),
    ),
    h(
      "p",
      { class: "legend" },
      "Key: ",
      badge("more", "more"), " ", badge("less", "less"), " ", badge("swapped", "swapped"), " ", badge("added", "added"), " ",
      badge("leftOut", "left out"), " ", badge("skipped", "skipped"), " ", badge("edited", "edited"), " ", badge("moved", "moved"), " ",
      badge("restated", "same amount, written differently"),
    ),
    h("p", { class: "meta" }, `Make ${make.makeId}`, make.source ? ` · from ${readableSource(make.source)}` : "", ` · recorded ${date(make.recordedAt)} · `, h("a", { href: `/recipes/${encodeURIComponent(id)}/makes/${encodeURIComponent(makeId)}/differences` }, "differences as JSON")),
  );
  return page;
}

async function analyticsPage(id) {
  const analytics = await api(`/recipes/${encodeURIComponent(id)}/analytics`);
  setCrumbs([analytics.recipeName, recipeUrl(id)], ["Analytics", analyticsUrl(id)]);
  document.title = `${analytics.recipeName} analytics — Recipe diff`;
  const page = [
    h("h1", { tabindex: "-1" }, `${analytics.recipeName}: analytics`),
    h(
      "dl",
      { class: "stats" },
      stat("Makes", String(analytics.makeCount)),
      stat("Original rating", rating(analytics.originalRating)),
      stat("Makes' average", rating(analytics.averageRating)),
      stat("Average deviation", number(analytics.averageDeviation, 1), " differences per make"),
    ),
  ];
  if (!analytics.makeCount) {
    page.push(emptyState("Nothing to analyse yet", ...dropInstructions(id)));
    return page;
  }
  page.push(section("Rating over time", ratingChart(id, analytics.ratings, analytics.originalRating)));

  const count = (n, kind, text) => (n ? badge(kind, `${n} ${text}`) : h("span", { class: "muted" }, "—"));
  page.push(
    section(
      "Ingredients most often changed",
      analytics.ingredients.length
        ? table(
            "Ingredients by how many makes changed them",
            ["Ingredient", "Makes", "More", "Less", "Swapped for", "Left out", "Added"],
            analytics.ingredients.map((t) => ({
              cells: [
                t.ingredient,
                String(t.changed),
                count(t.more, "more", t.moreRatio ? `more, ×${number(t.moreRatio)}` : "more"),
                count(t.less, "less", t.lessRatio ? `less, ×${number(t.lessRatio)}` : "less"),
                t.swappedFor.length ? badge("swapped", t.swappedFor.map((n) => `${n.name} (${n.count})`).join(", ")) : "—",
                count(t.leftOut, "leftOut", "left out"),
                count(t.added, "added", "added"),
              ],
            })),
          )
        : h("p", { class: "muted" }, "Every make used the ingredients as written."),
    ),
    section(
      "Steps most often skipped or edited",
      analytics.steps.length
        ? table(
            "Steps by how many makes changed them",
            ["Step", "Makes", "Skipped", "Edited", "Moved", "Added"],
            analytics.steps.map((t) => ({
              cells: [
                t.position ? `${t.position}. ${t.step}` : `(new) ${t.step}`,
                String(t.changed),
                count(t.skipped, "skipped", "skipped"),
                count(t.edited, "edited", "edited"),
                count(t.moved, "moved", "moved"),
                count(t.added, "added", "added"),
              ],
            })),
          )
        : h("p", { class: "muted" }, "Every make followed the steps as written."),
    ),
    section(
      "Which changes go with higher ratings",
      analytics.changesAndRatings.length
        ? [
            h("p", { class: "muted" }, "For each change, the average rating of the makes that have it against those that do not. A hint, not proof: few makes can mislead."),
            table(
              "Changes by the ratings that go with them, best first",
              ["Change", "Makes", "Rating with", "Rating without", "Difference"],
              analytics.changesAndRatings.map((c) => ({
                cells: [
                  c.change,
                  String(c.makes),
                  rating(c.averageRatingWith),
                  c.averageRatingWithout === null || c.averageRatingWithout === undefined ? "—" : rating(c.averageRatingWithout),
                  c.ratingDifference === null || c.ratingDifference === undefined
                    ? h("span", { class: "muted" }, "every rated make has it")
                    : c.ratingDifference >= 0.05
                      ? badge("better", `+${number(c.ratingDifference, 1)} higher`)
                      : c.ratingDifference <= -0.05
                        ? badge("worse", `${number(c.ratingDifference, 1)} lower`)
                        : badge("same", "no difference"),
                ],
              })),
            ),
          ]
        : h("p", { class: "muted" }, "No rated make has a change yet."),
    ),
  );
  return page;
}

// ---- Router ----------------------------------------------------------------

const ROUTES = [
  [/^#?\/?$/, "list", listPage],
  [/^#\/recipes\/([^/]+)\/?$/, "recipe", recipePage],
  [/^#\/recipes\/([^/]+)\/analytics\/?$/, "analytics", analyticsPage],
  [/^#\/recipes\/([^/]+)\/makes\/([^/]+)\/?$/, "make", makePage],
];

let firstRender = true;

async function render() {
  const hash = window.location.hash || "#/";
  statusLine.textContent = "Loading…";
  statusLine.hidden = false;
  document.body.dataset.page = "loading";
  // Charts are drawn in the page's own width, so their text stays
  // readable on a phone instead of shrinking with the drawing.
  CHART.width = Math.max(300, Math.min(640, view.clientWidth - 24));
  try {
    const route = ROUTES.find(([pattern]) => pattern.test(hash));
    if (!route) throw Object.assign(new Error(`There is no page at ${hash}.`), { status: 404 });
    const [pattern, name, page] = route;
    const args = hash.match(pattern).slice(1).map(decodeURIComponent);
    const content = await page(...args);
    view.replaceChildren(...content);
    document.body.dataset.page = name;
    statusLine.textContent = "";
    statusLine.hidden = true;
  } catch (error) {
    setCrumbs();
    document.title = "Not found — Recipe diff";
    view.replaceChildren(
      h("h1", { tabindex: "-1" }, error.status === 404 ? "Not found" : "Something went wrong"),
      h("p", { role: "alert" }, error.message),
      h("p", {}, h("a", { href: "#/" }, "Back to the recipes")),
    );
    document.body.dataset.page = "error";
    statusLine.hidden = true;
  }
  // Keyboard and screen-reader users land on the new page's heading, not
  // on the link they left; the first load keeps the browser's own focus.
  if (!firstRender) view.querySelector("h1")?.focus();
  firstRender = false;
  document.body.dataset.ready = "true";
}

window.addEventListener("hashchange", render);
render();
