// The recipe-diff dashboard: a small ES module, no build step, no
// dependencies. It routes on the URL fragment (#/recipes/2/makes/1), reads
// the JSON API of the server that served it, and builds every node with
// the DOM API. Recipe text only ever goes in through `textContent` (the
// `h` helper below), never as markup, so a recipe named `<script>` is
// shown, not run.
//
// Pages: the recipes (#/), a recipe (#/recipes/2), its analytics
// (…/analytics), its history (…/history), a make (…/makes/1) and the make
// against the latest version (…/makes/1/against-latest); the forms that
// record a make (…/record, …/record?version=1) and edit the recipe
// (…/edit). The forms write through `write`, which asks for the API token
// when the server wants one and keeps it in this tab's session storage.

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
// An amount as a cook writes it, as `recipe-diff`'s text rendering does:
// `2 eggs`, not `2 unit eggs`; `1 ½ cups`, not `1.5 cup`.

/** Fractions a cook reads at a glance. */
const FRACTIONS = [[1, 2, "½"], [1, 3, "⅓"], [2, 3, "⅔"], [1, 4, "¼"], [3, 4, "¾"], [1, 8, "⅛"], [3, 8, "⅜"], [5, 8, "⅝"], [7, 8, "⅞"]];

/** Unit names that only say "a count of": left out, as `2 eggs` needs none. */
const COUNT_UNITS = new Set(["unit", "units", "each", "ea", "ea.", "whole", "count", "ct"]);

/** Abbreviations that take no plural (`2 tbsp`, `2 g`). */
const NO_PLURAL = new Set(["tsp", "tbsp", "tbs", "tbl", "kg", "mg", "ml", "cl", "dl", "oz", "lb", "pt", "qt", "gal", "pkg", "msk", "tsk", "krm", "cda", "cdta", "ltr", "el", "tl", "ss", "ts", "spsk", "cm", "mm", "fl oz", "ct", "ea", "gr", "gm"]);

/** `1.5` as `1 ½`, `0.25` as `¼`; other numbers as they are, to three places. */
function cookNumber(value) {
  const whole = Math.floor(value);
  const part = value - whole;
  const glyph = FRACTIONS.find(([n, d]) => Math.abs(part - n / d) < 1e-6);
  if (!glyph || value <= 0) return number(value, 3);
  return whole ? `${whole} ${glyph[2]}` : glyph[2];
}

/** A unit in the plural when more than one and an English-looking word: `cups`, `pinches`. */
function unitFor(measurement, quantity) {
  const lower = measurement.toLowerCase();
  const more = typeof quantity === "number" ? quantity > 1 : /\d/.test(String(quantity ?? "")) && !/^(0|1)(\.0+)?$/.test(String(quantity).trim());
  if (!more || measurement.length < 3 || !/^[a-z ]+$/i.test(measurement) || NO_PLURAL.has(lower) || lower.endsWith("s")) return measurement;
  return /(ch|sh|x|z)$/.test(lower) ? `${measurement}es` : `${measurement}s`;
}

/** An ingredient's amount as a cook writes it, or "" when it has none. */
function cookAmount(ingredient) {
  const parts = [];
  const quantity = ingredient.quantity;
  if (quantity !== undefined && quantity !== null) {
    // `1 1/2` as written becomes `1 ½`, where there is a glyph.
    const glyphs = (text) => text.replace(/\b(\d)\/(\d)\b/g, (whole, n, d) => FRACTIONS.find(([fn, fd]) => fn === Number(n) && fd === Number(d))?.[2] ?? whole);
    parts.push(typeof quantity === "number" ? cookNumber(quantity) : glyphs(String(quantity)));
  }
  const measurement = (ingredient.measurement ?? "").trim();
  if (measurement && !COUNT_UNITS.has(measurement.toLowerCase())) parts.push(unitFor(measurement, quantity));
  return parts.join(" ");
}

function ingredientText(ingredient) {
  if (!ingredient) return "";
  const amount = cookAmount(ingredient);
  const text = amount ? `${amount} ${ingredient.ingredientName}` : ingredient.ingredientName;
  return ingredient.note ? `${text}, ${ingredient.note}` : text;
}

/** The ingredient with the fields that differ marked. */
function ingredientCell(ingredient, fields, side) {
  if (!ingredient) return h("span", { class: "absent" }, side === "make" ? "— not used" : "— not in the original");
  const amount = cookAmount(ingredient);
  const mark = (field, text) =>
    fields.includes(field) ? h("mark", { class: side }, text) : text;
  const amountChanged = fields.includes("quantity") || fields.includes("measurement");
  return h(
    "span",
    { class: "ingredient" },
    amount ? [amountChanged ? h("mark", { class: side }, amount) : amount, " "] : null,
    mark("ingredientName", ingredient.ingredientName),
    ingredient.note ? [", ", mark("note", ingredient.note)] : null,
  );
}

// ---- Data ------------------------------------------------------------------

async function api(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  if (!response.ok) throw await failure(response);
  return response.json();
}

/** The API's error answer as an Error with its status and message. */
async function failure(response) {
  let message = `${response.status} ${response.statusText}`;
  try {
    message = (await response.json()).error || message;
  } catch {
    // Not the API's error shape; the status says enough.
  }
  return Object.assign(new Error(message), { status: response.status });
}

/** A page of a paged list: `{"items": [...], "nextCursor": ...}`. */
function pageOf(path, limit, cursor) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor) query.set("cursor", cursor);
  return api(`${path}${path.includes("?") ? "&" : "?"}${query}`);
}

// ---- Writes and the API token ------------------------------------------------

/**
 * Where the API token is kept: this tab's session storage, never local
 * storage, so it goes when the tab does and no other tab or later visit
 * reads it.
 */
const TOKEN_KEY = "recipe-diff.apiToken";

/**
 * A write to the API. The token goes along when the tab has one; a 401
 * asks for it (again, if the one given was refused) and retries, so a
 * server without a token never asks and one with a token asks once a tab.
 */
async function write(method, path, body, headers = {}) {
  let refused = false;
  for (;;) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const response = await fetch(path, {
      method,
      headers: {
        Accept: "application/json",
        "Content-Type": "application/json",
        ...headers,
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });
    if (response.status !== 401) {
      if (!response.ok) throw await failure(response);
      return response;
    }
    refused = refused || Boolean(token);
    const given = await askForToken(refused);
    if (given === null) {
      throw Object.assign(new Error("Not saved: this server needs its API token for changes."), { status: 401 });
    }
    sessionStorage.setItem(TOKEN_KEY, given);
    refused = true;
  }
}

/** A modal dialog asking for the token; resolves to it, or null when cancelled. */
function askForToken(refused) {
  return new Promise((resolve) => {
    const input = h("input", { id: "api-token", name: "api-token", type: "password", autocomplete: "off", spellcheck: "false", required: true });
    const cancel = h("button", { type: "button", class: "button secondary" }, "Cancel");
    const form = h(
      "form",
      { class: "token-form" },
      h("h2", { id: "token-title" }, "API token needed"),
      h(
        "p",
        { id: "token-why" },
        refused
          ? "The server refused that token. Check it and try again."
          : "This server takes changes only with its API token (the one it was started with: --api-token or RECIPE_API_TOKEN).",
      ),
      h("div", { class: "field" }, h("label", { for: "api-token" }, "API token"), input),
      h("p", { class: "muted" }, "Kept in this tab only and forgotten when you close it."),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary" }, "Use this token"), cancel),
    );
    const dialog = h("dialog", { class: "token-dialog", "aria-labelledby": "token-title", "aria-describedby": "token-why" }, form);
    const finish = (value) => {
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(value);
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (token) finish(token);
    });
    cancel.addEventListener("click", () => finish(null));
    // Escape closes a modal dialog: that is a cancel too.
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      finish(null);
    });
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
}

const recipeUrl = (id) => `#/recipes/${encodeURIComponent(id)}`;
const makeUrl = (id, makeId) => `${recipeUrl(id)}/makes/${encodeURIComponent(makeId)}`;
const analyticsUrl = (id) => `${recipeUrl(id)}/analytics`;
const historyUrl = (id) => `${recipeUrl(id)}/history`;
const editUrl = (id) => `${recipeUrl(id)}/edit`;
const recordUrl = (id, version) => `${recipeUrl(id)}/record${version ? `?version=${encodeURIComponent(version)}` : ""}`;
const recipePath = (id) => `/recipes/${encodeURIComponent(id)}`;

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
  const recipeCard = (recipe) => {
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
  };
  const cards = overview.recipes.map(recipeCard);
  list.append(...cards);
  const filter = () => {
    const query = search.value.trim().toLowerCase();
    let shown = 0;
    for (const card of cards) {
      card.hidden = query !== "" && !card.dataset.name.includes(query);
      if (!card.hidden) shown += 1;
    }
    none.hidden = shown > 0;
    none.textContent = shown ? "" : `No recipe matches “${search.value.trim()}”.`;
  };
  search.addEventListener("input", filter);
  // The overview answers a page of recipes at a time, most made first;
  // the rest come on request, and the search covers what is shown.
  const more = h("button", { type: "button", id: "more-recipes", class: "button secondary" }, "Show more recipes");
  const moreFailed = h("p", { class: "problem", hidden: true, id: "more-failed", role: "alert" });
  let cursor = overview.nextCursor;
  more.hidden = !cursor;
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const next = await api(`/analytics?cursor=${encodeURIComponent(cursor)}`);
      const added = next.recipes.map(recipeCard);
      cards.push(...added);
      list.append(...added);
      cursor = next.nextCursor;
      more.hidden = !cursor;
      moreFailed.hidden = true;
      filter();
    } catch (error) {
      moreFailed.textContent = `The next recipes did not load (${error.message}); try again.`;
      moreFailed.hidden = false;
    } finally {
      more.disabled = false;
    }
  });
  page.push(
    section(
      "Most made",
      h("div", { class: "search" }, h("label", { for: "search" }, "Search recipes"), search),
      list,
      none,
      more,
      moreFailed,
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
  const [recipe, analytics, latest, suggestions] = await Promise.all([
    api(recipePath(id)),
    api(`${recipePath(id)}/analytics`),
    latestVersion(id),
    api(`${recipePath(id)}/suggestions`),
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
    h(
      "ul",
      { class: "actions", "aria-label": "What to do with this recipe" },
      h("li", {}, h("a", { class: "button primary", href: recordUrl(id) }, "Record a make")),
      h("li", {}, h("a", { class: "button", href: editUrl(id) }, "Edit the recipe")),
      h("li", {}, h("a", { class: "button", href: historyUrl(id) }, `History: ${plural(latest, "version")}`)),
    ),
  ];
  if (!analytics.makeCount) {
    page.push(emptyState("Not made yet", h("p", {}, h("a", { href: recordUrl(id) }, "Record a make here"), ", or drop one into the bucket:"), ...dropInstructions(id)));
  } else {
    page.push(h("p", {}, h("a", { class: "button", href: analyticsUrl(id) }, "Analytics: what changes, and what works →")));
    const suggested = suggestionsSection(id, suggestions);
    if (suggested) page.push(suggested);
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
        latest.length < analytics.makeCount
          ? h("p", { class: "muted" }, analytics.ratings.length < analytics.makeCount
            // Past 500 makes the server averages the makes of each period into one point.
            ? `The ${latest.length} latest periods of ${analytics.makeCount} makes; each point on the timeline and the chart is the mean of a period's makes.`
            : `The ${latest.length} latest of ${analytics.makeCount} makes; every make is a point on the timeline and the chart.`)
          : null,
        h(
          "ol",
          { class: "cards makes", reversed: true },
          latest.map((point) => {
            return h(
              "li",
              { class: "card" },
              h("h3", {}, h("a", { href: makeUrl(id, point.makeId) }, point.makes > 1 ? `${point.makes} makes up to ${date(point.madeAt)}` : `Made ${date(point.madeAt)}`)),
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
      "The recipe",
      h("p", { class: "meta" }, `Version ${latest}, the latest · `, h("a", { href: historyUrl(id) }, "every version")),
      h("div", { class: "columns" },
        h("div", {}, h("h3", {}, "Ingredients"), recipe.ingredients.length ? h("ul", {}, recipe.ingredients.map((i) => h("li", {}, ingredientText(i)))) : h("p", { class: "muted" }, "None listed.")),
        h("div", {}, h("h3", {}, "Steps"), recipe.steps.length ? h("ol", {}, recipe.steps.map((step) => h("li", {}, step.stepText))) : h("p", { class: "muted" }, "None listed.")),
      ),
    ),
  );
  return page;
}

/** Rows of the side-by-side ingredient table, in reading order. */
function ingredientRows(original, diff) {
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
function stepRows(original, diff) {
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

/** How many differences a structured diff holds, as the make page counts them. */
function differenceCount(diff) {
  return (diff.name ? 1 : 0) + (diff.rating ? 1 : 0) + (diff.scaling ? 1 : 0) + (diff.ingredients?.length ?? 0) + (diff.steps?.length ?? 0);
}

/** Each difference as a short badge: what a list of makes shows of each. */
function differenceBadges(diff) {
  const badges = [];
  if (diff.name) badges.push(badge("renamed", `renamed “${diff.name.make}”`));
  if (diff.rating) badges.push(badge("edited", `rating ${rating(diff.rating.original)} → ${rating(diff.rating.make)}`));
  if (diff.scaling) badges.push(badge("scaled", `scaled ×${number(diff.scaling.factor)}`));
  for (const change of diff.ingredients ?? []) {
    switch (change.kind) {
      case "added":
        badges.push(badge("added", `added ${ingredientText(change.ingredient)}`));
        break;
      case "removed":
        badges.push(badge("leftOut", `left out ${change.ingredient.ingredientName}`));
        break;
      case "substituted":
        badges.push(badge("swapped", `${change.original.ingredientName} → ${change.make.ingredientName}`));
        break;
      default: {
        const amount = change.fields.includes("quantity") || change.fields.includes("measurement");
        const kind = amount && change.ratio > 1 ? "more" : amount && change.ratio < 1 ? "less" : "reworded";
        badges.push(badge(kind, `${ingredientText(change.original)} → ${ingredientText(change.make)}`));
      }
    }
  }
  for (const change of diff.steps ?? []) {
    switch (change.kind) {
      case "added":
        badges.push(badge("addedStep", `added step ${change.makeIndex + 1}`));
        break;
      case "removed":
        badges.push(badge("skipped", `skipped step ${change.originalIndex + 1}`));
        break;
      case "edited":
        badges.push(badge("edited", `edited step ${change.originalIndex + 1}`));
        break;
      default:
        badges.push(badge("moved", `moved step ${change.originalIndex + 1} → ${change.makeIndex + 1}`));
    }
  }
  return badges;
}

/** The latest version's number: the first item of the newest-first history. */
async function latestVersion(id) {
  const page = await pageOf(`${recipePath(id)}/versions`, 1);
  return page.items[0]?.version ?? 1;
}

/**
 * A make beside the version of the recipe it was cooked from, or with
 * `against` set beside the latest version (its differences recomputed
 * now): what the make would change in the recipe as it is today.
 */
async function makePage(id, makeId, against) {
  const make = await api(`${recipePath(id)}/makes/${encodeURIComponent(makeId)}`);
  const latest = await latestVersion(id);
  const cookedFrom = make.recipeVersion;
  const comparing = Boolean(against) && latest !== cookedFrom;
  // The rows index into the document the differences were computed
  // against, so the page fetches exactly that version: by number, so the
  // document and the differences agree even if the recipe moves on now.
  const [version, diff] = await Promise.all([
    api(`${recipePath(id)}/versions/${encodeURIComponent(comparing ? latest : cookedFrom)}`),
    comparing ? api(`${recipePath(id)}/makes/${encodeURIComponent(makeId)}/differences?against=${encodeURIComponent(latest)}&format=full`) : make.differences,
  ]);
  const recipe = version.recipe;
  const when = date(make.madeAt ?? make.recordedAt);
  const here = comparing ? `${makeUrl(id, makeId)}/against-latest` : makeUrl(id, makeId);
  setCrumbs([recipe.recipeName, recipeUrl(id)], [`Made ${when}`, makeUrl(id, makeId)], ...(comparing ? [["Against the latest version", here]] : []));
  document.title = `${recipe.recipeName}, made ${when} — Recipe diff`;
  const count = differenceCount(diff);
  const base = comparing ? "the latest version" : "the original";
  const page = [
    h("h1", { tabindex: "-1" }, `${recipe.recipeName}, made ${when}`),
    versionNote(id, makeId, cookedFrom, latest, comparing),
    h(
      "ul",
      { class: "actions", "aria-label": "What to do with this make" },
      h("li", {}, h("a", { class: "button primary", href: promoteUrl(id, makeId), id: "promote-whole" }, "Make this the recipe")),
      h("li", {}, h("a", { class: "button", href: promoteUrl(id, makeId, []), id: "promote-some" }, "Take some of these changes")),
    ),
    h(
      "dl",
      { class: "stats" },
      stat("Differences", String(count)),
      stat(
        "Rating",
        diff.rating ? `${rating(diff.rating.original)} → ${rating(diff.rating.make)}` : rating(make.rating),
        diff.rating && diff.rating.make !== null && diff.rating.original !== null
          ? diff.rating.make > diff.rating.original
            ? badge("better", `higher than ${base}`)
            : badge("worse", `lower than ${base}`)
          : diff.rating ? null : ` same as ${base}`,
      ),
    ),
  ];
  if (make.notes) page.push(h("blockquote", { class: "notes" }, h("p", {}, make.notes)));
  const banners = [];
  if (diff.scaling) banners.push(h("li", {}, badge("scaled", `made at ${number(diff.scaling.factor)}× size`), ": every amount multiplied by the same factor, counted as one difference."));
  if (diff.name) banners.push(h("li", {}, badge("renamed", "renamed"), `: “${diff.name.original}” → “${diff.name.make}”`));
  if (banners.length) page.push(h("ul", { class: "banners" }, banners));
  if (!count) page.push(h("p", { class: "empty" }, comparing ? "The same as the latest version: no differences." : "Cooked exactly as written: no differences."));
  const side = comparing ? `Latest (version ${latest})` : "Original";
  page.push(
    section("Ingredients", table(`Ingredients, ${side.toLowerCase()} and as made`, ["Change", side, "As made"], ingredientRows(recipe, diff).map((row) => ({ ...row, header: false })), "diff")),
    section(
      "Steps",
      table(`Steps, ${side.toLowerCase()} and as made; removed words are struck through, added words underlined`, ["Change", side, "As made"], stepRows(recipe, diff).map((row) => ({ ...row, header: false })), "diff"),
    ),
    h(
      "p",
      { class: "legend" },
      "Key: ",
      badge("more", "more"), " ", badge("less", "less"), " ", badge("swapped", "swapped"), " ", badge("added", "added"), " ",
      badge("leftOut", "left out"), " ", badge("skipped", "skipped"), " ", badge("edited", "edited"), " ", badge("moved", "moved"), " ",
      badge("restated", "same amount, written differently"),
    ),
    h(
      "p",
      { class: "meta" },
      `Make ${make.makeId}`,
      make.source ? ` · from ${readableSource(make.source)}` : "",
      ` · recorded ${date(make.recordedAt)} · `,
      h("a", { href: `${recipePath(id)}/makes/${encodeURIComponent(makeId)}/differences${comparing ? `?against=${encodeURIComponent(latest)}` : ""}` }, "differences as JSON"),
    ),
  );
  return page;
}

/** Which version a make was cooked from, and the way to the other comparison. */
function versionNote(id, makeId, cookedFrom, latest, comparing) {
  if (comparing) {
    return h(
      "div",
      { class: "version-note" },
      h("p", {}, `Compared with version ${latest}, the latest, not version ${cookedFrom} it was cooked from: what this make would change in the recipe as it is now.`),
      h("p", {}, h("a", { class: "button", href: makeUrl(id, makeId) }, `Show the differences from version ${cookedFrom}`)),
    );
  }
  const moved = latest > cookedFrom;
  return h(
    "div",
    { class: "version-note" },
    h(
      "p",
      {},
      `Cooked from version ${cookedFrom} of the recipe`,
      moved ? `; the recipe is at version ${latest} now. ` : latest === cookedFrom ? ", the latest. " : ". ",
      h("a", { href: historyUrl(id) }, "History"),
    ),
    moved ? h("p", {}, h("a", { class: "button", href: `${makeUrl(id, makeId)}/against-latest` }, "Compare with the latest version")) : null,
  );
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

// ---- Differences in words ----------------------------------------------------

/** A document without its `recipeId`, so the text rendering has no "recipe N" header. */
function withoutId(recipe) {
  const { recipeId, ...rest } = recipe;
  return rest;
}

/**
 * The differences between two documents in `recipe-diff`'s own words:
 * `POST /diff?format=text`, which diffs and stores nothing. The history and
 * the forms use it, so the dashboard, `recipe log` and `recipe diff` say
 * a change the same way.
 */
async function differencesInWords(original, changed, signal) {
  const response = await fetch("/diff?format=text", {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify({ original: withoutId(original), make: withoutId(changed) }),
    signal,
  });
  if (!response.ok) throw await failure(response);
  return (await response.json()).text;
}

/** The text rendering's change markers, by what they mean. */
const MARKERS = { "+": "added", "−": "removed", "~": "changed", "↕": "moved" };

/** The lines of the text rendering that are changes (not group headings). */
function changeLines(text) {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && Object.hasOwn(MARKERS, line[0]) && line[1] === " ");
}

/**
 * The text rendering as a list, one change an item, under its group
 * ("ingredients", "steps"); a step's `[-dropped-]` and `{+new+}` words
 * become struck-through and underlined words.
 */
function changeList(text) {
  const items = [];
  for (const line of text.split("\n").map((l) => l.trim())) {
    if (!line) continue;
    if (Object.hasOwn(MARKERS, line[0]) && line[1] === " ") {
      items.push(h("li", { class: `change ${MARKERS[line[0]]}` }, h("span", { class: "marker", "aria-hidden": "true" }, line[0]), " ", wordRuns(line.slice(2))));
    } else if (line.endsWith(":")) {
      items.push(h("li", { class: "group" }, line.slice(0, -1)));
    }
  }
  return h("ul", { class: "changes" }, items);
}

function wordRuns(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(/\[-([\s\S]*?)-\]|\{\+([\s\S]*?)\+\}/g)) {
    parts.push(text.slice(last, match.index));
    parts.push(match[1] !== undefined ? h("del", {}, match[1]) : h("ins", {}, match[2]));
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

// ---- History ---------------------------------------------------------------

/** Versions the history shows at first, and each time it is asked for older ones. */
const VERSIONS_PAGE = 10;
/** Makes listed under a version before "more makes". */
const VERSION_MAKES_PAGE = 10;

function dateTime(text) {
  const parsed = new Date(text);
  if (Number.isNaN(parsed.getTime())) return text || "undated";
  return parsed.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

/**
 * A recipe's versions, newest first, a page at a time: each with its
 * message, where it came from, its changes in words and the makes cooked
 * from it.
 */
async function historyPage(id) {
  const [recipe, first] = await Promise.all([api(recipePath(id)), pageOf(`${recipePath(id)}/versions`, VERSIONS_PAGE)]);
  const latest = first.items[0]?.version ?? 1;
  setCrumbs([recipe.recipeName, recipeUrl(id)], ["History", historyUrl(id)]);
  document.title = `${recipe.recipeName}: history — Recipe diff`;
  // Each version's document is read once, though two comparisons use it.
  const documents = new Map();
  const documentOf = (n) => {
    if (!documents.has(n)) documents.set(n, api(`${recipePath(id)}/versions/${n}`).then((v) => v.recipe));
    return documents.get(n);
  };
  const list = h("ol", { class: "versions", id: "versions" });
  const older = h("button", { type: "button", class: "button", id: "older-versions" }, "Show older versions");
  const problem = h("p", { role: "alert", class: "problem" });
  let cursor = first.nextCursor;
  const show = async (page) => {
    const entries = await Promise.all(page.items.map((version) => versionEntry(id, version, latest, documentOf)));
    list.append(...entries);
    cursor = page.nextCursor;
    older.hidden = !cursor;
    return entries;
  };
  await show(first);
  older.addEventListener("click", async () => {
    older.disabled = true;
    older.textContent = "Loading older versions…";
    try {
      const entries = await show(await pageOf(`${recipePath(id)}/versions`, VERSIONS_PAGE, cursor));
      problem.textContent = "";
      // The keyboard goes on from the first version it had not seen.
      entries[0]?.querySelector("h2")?.focus();
    } catch (error) {
      problem.textContent = error.message;
    } finally {
      older.disabled = false;
      older.textContent = "Show older versions";
    }
  });
  return [
    h("h1", { tabindex: "-1" }, `${recipe.recipeName}: history`),
    h("p", { class: "muted" }, `${plural(latest, "version")}, newest first. Each says what it changed in the one before, and which makes were cooked from it.`),
    h(
      "ul",
      { class: "actions" },
      h("li", {}, h("a", { class: "button primary", href: recordUrl(id) }, "Record a make")),
      h("li", {}, h("a", { class: "button", href: editUrl(id) }, "Edit the recipe")),
    ),
    list,
    older,
    problem,
  ];
}

async function versionEntry(id, version, latest, documentOf) {
  const n = version.version;
  const changes = n > 1
    ? Promise.all([documentOf(n - 1), documentOf(n)])
        .then(([before, after]) => differencesInWords(before, after))
        .then((text) => (changeLines(text).length ? changeList(text) : h("p", { class: "muted" }, "No differences.")))
        .catch((error) => h("p", { role: "alert", class: "problem" }, `The changes cannot be shown: ${error.message}`))
    : null;
  const makes = h("ul", { class: "version-makes" });
  const more = h("button", { type: "button", class: "button small" }, `More makes from version ${n}`);
  let cursor = null;
  const show = (page) => {
    makes.append(
      ...page.items.map((make) =>
        h(
          "li",
          { "data-make": make.makeId },
          h("a", { href: makeUrl(id, make.makeId) }, `Made ${date(make.madeAt ?? make.recordedAt)}`),
          h("span", { class: "meta" }, ` — ${plural(differenceCount(make.differences), "difference")}, ${rating(make.rating)}`),
          h("span", { class: "badges" }, differenceBadges(make.differences).map((b) => [b, " "])),
        ),
      ),
    );
    cursor = page.nextCursor;
    more.hidden = !cursor;
  };
  const makesPath = `${recipePath(id)}/makes?version=${n}`;
  const first = await pageOf(makesPath, VERSION_MAKES_PAGE);
  show(first);
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      show(await pageOf(makesPath, VERSION_MAKES_PAGE, cursor));
    } finally {
      more.disabled = false;
    }
  });
  return h(
    "li",
    { class: "card version", id: `version-${n}`, "data-version": n },
    h("h2", { tabindex: "-1" }, `Version ${n}`, n === latest ? [" ", h("span", { class: "badge latest" }, "latest")] : null),
    h(
      "p",
      { class: "meta" },
      dateTime(version.createdAt),
      " · ",
      version.source ? `from ${readableSource(version.source)}` : "written through the dashboard or the API",
      n > 1 ? ` · ${plural(version.changes, "change")}` : "",
    ),
    version.message ? h("blockquote", { class: "notes message" }, h("p", {}, version.message)) : h("p", { class: "muted" }, "No message."),
    h("h3", {}, n > 1 ? `Changes from version ${n - 1}` : "The first version: where the history starts"),
    await changes,
    h("h3", {}, "Makes cooked from it"),
    first.items.length ? [makes, more] : h("p", { class: "muted" }, "None yet."),
    h("p", {}, h("a", { href: recordUrl(id, n) }, `Record a make from version ${n}`)),
  );
}

// ---- Record a make, edit the recipe ----------------------------------------

/** How long the form waits after the last change before asking for the differences. */
const PREVIEW_DELAY_MS = 300;

/** Units the unit fields suggest; any text is taken. */
const UNITS = ["tsp", "tbsp", "cup", "ml", "l", "g", "kg", "oz", "lb", "pinch", "clove", "unit"];

/** A line shown at the top of the next page: what a save did. */
let notice = null;

let rowsMade = 0;

/** `2` and `0.5` are numbers; `1 1/2`, `½` and `2-3` go as written, for the server to read. */
function quantityValue(text) {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  return /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A key that makes a repeated save of the same make one make. */
function idempotencyKey() {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function field(id, label, control, hint) {
  if (hint) control.setAttribute("aria-describedby", `${id}-hint`);
  return h("div", { class: "field", "data-field": id }, h("label", { for: id }, label), control, hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null);
}

/**
 * The form that records a make (`kind` "make": starting from version
 * `chosen`, or the latest) or edits the recipe (`kind` "recipe": a new
 * version with a message). Every change asks the server for the
 * differences a moment later (`POST /diff`), so the cook sees what they
 * are about to save; a save needs the API token when the server has one.
 */
async function editorPage(id, kind, chosen) {
  const making = kind === "make";
  const latest = await latestVersion(id);
  const from = making && chosen !== undefined ? Number(chosen) : latest;
  if (!Number.isInteger(from) || from < 1) throw Object.assign(new Error(`There is no version ${chosen}.`), { status: 404 });
  const [stored, versions] = await Promise.all([
    api(`${recipePath(id)}/versions/${from}`),
    making && latest > 1 ? pageOf(`${recipePath(id)}/versions`, 100) : null,
  ]);
  const base = stored.recipe;
  const title = making ? `Record a make of ${base.recipeName}` : `Edit ${base.recipeName}`;
  const here = making ? recordUrl(id, chosen) : editUrl(id);
  setCrumbs([base.recipeName, recipeUrl(id)], [making ? "Record a make" : "Edit", here]);
  document.title = `${title} — Recipe diff`;

  const maxId = (items, key) => Math.max(0, ...items.map((item) => (Number.isInteger(item[key]) ? item[key] : 0)));
  let nextIngredientId = maxId(base.ingredients, "ingredientId") + 1;
  let nextStepId = maxId(base.steps, "stepId") + 1;
  const state = {
    name: base.recipeName,
    rating: base.rating === undefined || base.rating === null ? "" : String(base.rating),
    ingredients: base.ingredients.map((ingredient, index) => ({
      key: `ingredient-${index + 1}`,
      id: ingredient.ingredientId,
      quantity: ingredient.quantity === undefined || ingredient.quantity === null ? "" : String(ingredient.quantity),
      measurement: ingredient.measurement ?? "",
      name: ingredient.ingredientName ?? "",
      note: ingredient.note ?? "",
      removed: false,
    })),
    steps: base.steps.map((step, index) => ({ key: `step-${index + 1}`, id: step.stepId, text: step.stepText ?? "", removed: false })),
    madeOn: today(),
    notes: "",
    message: "",
  };

  /** The document the form describes now: the make, or the recipe's new version. */
  function documentNow() {
    const rated = state.rating.trim();
    return {
      recipeName: (making ? base.recipeName : state.name.trim()) || base.recipeName,
      recipeId: base.recipeId,
      rating: rated === "" ? undefined : Number.isFinite(Number(rated)) ? Number(rated) : rated,
      ingredients: state.ingredients
        .filter((row) => !row.removed && row.name.trim())
        .map((row) => ({
          ingredientId: row.id,
          quantity: quantityValue(row.quantity),
          measurement: row.measurement.trim() || undefined,
          ingredientName: row.name.trim(),
          note: row.note.trim() || undefined,
        })),
      steps: state.steps.filter((row) => !row.removed && row.text.trim()).map((row) => ({ stepId: row.id, stepText: row.text.trim() })),
    };
  }

  // ---- The live differences
  const previewCount = h("p", { class: "preview-count", id: "preview-count", "aria-live": "polite" }, "Comparing…");
  const previewBody = h("div", { id: "preview-body" });
  const preview = h(
    "section",
    { class: "preview", id: "preview", "aria-labelledby": "preview-title", "data-state": "waiting" },
    h("h2", { id: "preview-title", tabindex: "-1" }, making ? `Differences from version ${from}` : `What version ${latest + 1} would change`),
    previewCount,
    previewBody,
  );
  // On a phone the differences sit below the form: this stays in sight
  // with their count and takes the cook (and the keyboard) to them.
  const jump = h("button", { type: "button", class: "button small preview-jump", "aria-controls": "preview" }, "Comparing…");
  jump.addEventListener("click", () => {
    preview.scrollIntoView({ block: "start" });
    preview.querySelector("h2").focus();
  });
  let timer = 0;
  let asked = 0;
  let inFlight = null;
  const refresh = async () => {
    const mine = ++asked;
    inFlight?.abort();
    inFlight = new AbortController();
    try {
      const text = await differencesInWords(base, documentNow(), inFlight.signal);
      if (mine !== asked) return;
      const count = changeLines(text).length;
      previewCount.textContent = count ? plural(count, "difference") : "No differences yet";
      jump.textContent = `${previewCount.textContent}: show`;
      previewBody.replaceChildren(
        count ? changeList(text) : h("p", { class: "muted" }, making ? "As written so far: change what you changed." : "The same as the latest version so far."),
      );
      preview.dataset.state = "ready";
    } catch (error) {
      if (mine !== asked || error.name === "AbortError") return;
      previewCount.textContent = "Cannot compare yet";
      jump.textContent = "Cannot compare yet: show why";
      previewBody.replaceChildren(h("p", { class: "problem" }, error.message));
      preview.dataset.state = "error";
    }
  };
  const changed = () => {
    clearTimeout(timer);
    preview.dataset.state = "waiting";
    timer = setTimeout(refresh, PREVIEW_DELAY_MS);
  };

  const announcer = h("p", { class: "visually-hidden", "aria-live": "polite", id: "editor-announce" });
  const announce = (text) => {
    announcer.textContent = text;
  };

  /** A text input bound to `row[key]`. */
  const bound = (row, key, id, attributes = {}, tag = "input") => {
    const control = tag === "textarea" ? h("textarea", { id, name: id, ...attributes }, row[key]) : h("input", { id, name: id, type: "text", value: row[key], ...attributes });
    control.addEventListener("input", () => {
      row[key] = control.value;
      changed();
    });
    return control;
  };

  /** After a list is drawn again, the keyboard stays on the control it was on. */
  const refocus = (list, key, ...actions) => {
    const row = list.querySelector(`[data-key="${key}"]`);
    // A step moved to an end loses that way's button: the other one takes the keyboard.
    const target = actions.map((action) => row?.querySelector(`[data-action="${action}"]:not([disabled])`)).find(Boolean);
    (target ?? row?.querySelector("input, textarea"))?.focus();
  };

  // ---- Ingredients
  const ingredientList = h("ol", { class: "editor-list", id: "ingredients-editor" });
  const drawIngredients = (focusKey, action) => {
    ingredientList.replaceChildren(...state.ingredients.map(ingredientRow));
    if (focusKey) refocus(ingredientList, focusKey, action);
  };
  const ingredientRow = (row) => {
    const k = row.key;
    const label = row.name.trim() || "the new ingredient";
    const toggle = h(
      "button",
      { type: "button", class: "button small", "data-action": "remove" },
      row.removed ? "Put back" : making ? "Leave out" : "Remove",
      h("span", { class: "visually-hidden" }, ` ${label}`),
    );
    toggle.addEventListener("click", () => {
      if (row.isNew) {
        // Never in the recipe: removing it is forgetting it.
        state.ingredients = state.ingredients.filter((other) => other !== row);
        drawIngredients();
        addIngredient.focus();
      } else {
        row.removed = !row.removed;
        drawIngredients(k, "remove");
      }
      announce(row.removed || row.isNew ? `${label}: ${making ? "left out" : "removed"}.` : `${label}: put back.`);
      changed();
    });
    const disabled = row.removed;
    return h(
      "li",
      { class: `editor-row ingredient-row${row.removed ? " removed" : ""}`, "data-key": k },
      field(`${k}-quantity`, "Amount", bound(row, "quantity", `${k}-quantity`, { inputmode: "decimal", autocomplete: "off", disabled })),
      field(`${k}-measurement`, "Unit", bound(row, "measurement", `${k}-measurement`, { list: "units", autocomplete: "off", disabled })),
      field(`${k}-name`, "Ingredient", bound(row, "name", `${k}-name`, { autocomplete: "off", disabled })),
      field(`${k}-note`, "Note", bound(row, "note", `${k}-note`, { autocomplete: "off", disabled })),
      h("div", { class: "row-actions" }, row.removed ? h("span", { class: "row-state" }, making ? "Left out of this make" : "Removed") : null, toggle),
    );
  };
  const addIngredient = h("button", { type: "button", class: "button", id: "add-ingredient" }, "Add an ingredient");
  addIngredient.addEventListener("click", () => {
    rowsMade += 1;
    const row = { key: `ingredient-new-${rowsMade}`, id: nextIngredientId++, quantity: "", measurement: "", name: "", note: "", removed: false, isNew: true };
    state.ingredients.push(row);
    drawIngredients();
    document.getElementById(`${row.key}-quantity`)?.focus();
    announce("A new ingredient at the end of the list.");
  });

  // ---- Steps
  const stepList = h("ol", { class: "editor-list", id: "steps-editor" });
  const drawSteps = (focusKey, ...actions) => {
    stepList.replaceChildren(...state.steps.map(stepRow));
    if (focusKey) refocus(stepList, focusKey, ...actions);
  };
  const moveStep = (row, by) => {
    const at = state.steps.indexOf(row);
    const to = at + by;
    if (to < 0 || to >= state.steps.length) return;
    [state.steps[at], state.steps[to]] = [state.steps[to], state.steps[at]];
    drawSteps(row.key, ...(by < 0 ? ["up", "down"] : ["down", "up"]));
    announce(`Step ${at + 1} moved ${by < 0 ? "up" : "down"}: now step ${to + 1}.`);
    changed();
  };
  const stepRow = (row, index) => {
    const k = row.key;
    const position = index + 1;
    const button = (action, text, disabled, onClick) => {
      const element = h("button", { type: "button", class: "button small", "data-action": action, disabled }, text, h("span", { class: "visually-hidden" }, ` step ${position}`));
      element.addEventListener("click", onClick);
      return element;
    };
    const toggle = button("skip", row.removed ? "Put back" : making ? "Skip" : "Remove", false, () => {
      if (row.isNew) {
        state.steps = state.steps.filter((other) => other !== row);
        drawSteps();
        addStep.focus();
      } else {
        row.removed = !row.removed;
        drawSteps(k, "skip");
      }
      announce(row.removed || row.isNew ? `Step ${position}: ${making ? "skipped" : "removed"}.` : `Step ${position}: put back.`);
      changed();
    });
    return h(
      "li",
      { class: `editor-row step-row${row.removed ? " removed" : ""}`, "data-key": k },
      field(`${k}-text`, row.removed ? `Step ${position} (${making ? "skipped" : "removed"})` : `Step ${position}`, bound(row, "text", `${k}-text`, { rows: 2, disabled: row.removed }, "textarea")),
      h(
        "div",
        { class: "row-actions" },
        button("up", "Move up", index === 0, () => moveStep(row, -1)),
        button("down", "Move down", index === state.steps.length - 1, () => moveStep(row, 1)),
        toggle,
      ),
    );
  };
  const addStep = h("button", { type: "button", class: "button", id: "add-step" }, "Add a step");
  addStep.addEventListener("click", () => {
    rowsMade += 1;
    const row = { key: `step-new-${rowsMade}`, id: nextStepId++, text: "", removed: false, isNew: true };
    state.steps.push(row);
    drawSteps();
    document.getElementById(`${row.key}-text`)?.focus();
    announce(`A new step ${state.steps.length} at the end.`);
  });
  drawIngredients();
  drawSteps();

  // ---- The make's own fields, or the recipe's name
  const plain = (key, id, attributes, tag) => bound(state, key, id, attributes, tag);
  const ratingInput = plain("rating", "rating", { type: "number", min: 0, max: 5, step: 0.5, inputmode: "decimal" });
  const about = making
    ? h(
        "fieldset",
        { class: "about" },
        h("legend", {}, "This make"),
        field("made-on", "Cooked on", plain("madeOn", "made-on", { type: "date" })),
        field("rating", "Your rating, 0 to 5", ratingInput, base.rating === undefined || base.rating === null ? "The recipe has none." : `The recipe's is ${number(base.rating, 1)}.`),
        field("notes", "Notes", plain("notes", "notes", { rows: 3 }, "textarea")),
      )
    : h(
        "fieldset",
        { class: "about" },
        h("legend", {}, "The recipe"),
        field("recipe-name", "Name", plain("name", "recipe-name", { autocomplete: "off" })),
        field("rating", "Rating, 0 to 5", ratingInput),
      );
  let chooser = null;
  if (versions) {
    const select = h(
      "select",
      { id: "from-version", name: "from-version" },
      versions.items.map((v) => h("option", { value: v.version, selected: v.version === from }, `Version ${v.version}${v.version === latest ? " (latest)" : ""}${v.message ? `: ${v.message}` : ""}`)),
    );
    select.addEventListener("change", () => {
      window.location.hash = recordUrl(id, select.value);
    });
    chooser = field("from-version", "Cooked from", select, "Choosing another version starts the form again from it.");
  }

  // ---- Saving
  const save = h("button", { type: "button", class: "button primary", id: "save" }, making ? "Save this make" : "Save as a new version");
  const saved = h("p", { class: "save-status", role: "status", id: "save-status" });
  const problem = h("p", { class: "problem", role: "alert", id: "save-problem" });
  let key = idempotencyKey();
  let keyFor = null;
  save.addEventListener("click", async () => {
    save.disabled = true;
    saved.textContent = "Saving…";
    problem.textContent = "";
    try {
      if (making) {
        const made = state.madeOn ? new Date(`${state.madeOn}T12:00`) : null;
        const make = {
          ...documentNow(),
          recipeVersion: from,
          madeAt: made && !Number.isNaN(made.getTime()) ? made.toISOString() : undefined,
          notes: state.notes.trim() || undefined,
        };
        // The same make saved twice (a second click, a retry after the
        // token) is one make; a changed one is a new make.
        const body = JSON.stringify(make);
        if (body !== keyFor) [key, keyFor] = [idempotencyKey(), body];
        const response = await write("POST", `${recipePath(id)}/makes`, make, { "Idempotency-Key": key });
        const record = await response.json();
        notice = `Make saved, cooked from version ${from}.`;
        window.location.hash = makeUrl(id, record.makeId);
      } else {
        const message = state.message.trim();
        const response = await write("PUT", `${recipePath(id)}${message ? `?${new URLSearchParams({ message })}` : ""}`, documentNow());
        const version = response.headers.get("X-Recipe-Version");
        if (response.headers.get("X-Recipe-Version-Written") === "false") {
          saved.textContent = `No changes, no new version: this is version ${version} as it is.`;
          save.disabled = false;
          return;
        }
        notice = `Saved as version ${version}.`;
        window.location.hash = historyUrl(id);
      }
    } catch (error) {
      saved.textContent = "";
      problem.textContent = error.message;
      save.disabled = false;
    }
  });

  const form = h(
    "form",
    { class: "editor", id: "editor", novalidate: true, "aria-labelledby": "editor-title" },
    h(
      "div",
      { class: "editor-fields" },
      chooser,
      about,
      h(
        "fieldset",
        {},
        h("legend", {}, "Ingredients"),
        h("p", { class: "hint" }, making ? "Change an amount or a unit; write another name to swap an ingredient; leave out what you did not use." : "Amounts, units, names and notes; write another name to swap an ingredient."),
        ingredientList,
        addIngredient,
      ),
      h(
        "fieldset",
        {},
        h("legend", {}, "Steps"),
        h("p", { class: "hint" }, making ? "Edit a step as you did it, skip one, or move it up or down." : "Edit, remove, add or reorder the steps."),
        stepList,
        addStep,
      ),
    ),
    jump,
    preview,
    h(
      "div",
      { class: "editor-save" },
      making ? null : field("message", "What changed, in a few words", plain("message", "message", { maxlength: 1000, autocomplete: "off" }), "Kept with the new version in the history."),
      save,
      saved,
      problem,
    ),
  );
  // Saving is the button's job: Enter in a field must not save a half-done make.
  form.addEventListener("submit", (event) => event.preventDefault());
  refresh();
  return [
    h("h1", { tabindex: "-1", id: "editor-title" }, title),
    h(
      "p",
      { class: "muted" },
      making
        ? `Starting from version ${from}${from === latest ? ", the latest" : ""}. Change what you changed at the stove; the differences show as you go.`
        : `Starting from version ${latest}, the latest. Saving makes version ${latest + 1} when something changed.`,
    ),
    form,
    h("datalist", { id: "units" }, UNITS.map((unit) => h("option", { value: unit }))),
    announcer,
  ];
}

// ---- Promote a make: the whole make, or some of its changes ----------------

/** The promote page of a make, with `changes` (changeIds) chosen, or all when absent. */
const promoteUrl = (id, makeId, changes) => `${makeUrl(id, makeId)}/promote${changes ? `?changes=${changes.join(",")}` : ""}`;

/** An ingredient's field as a cook says it. */
const FIELD_WORDS = { quantity: "amount", measurement: "unit", ingredientName: "name", note: "note" };

/**
 * One change of a make's flat list in words: the items that share its
 * `changeId`, each naming its ingredient or step as the version the make
 * was cooked from has it.
 */
function flatChangeText(items, recipe) {
  return items
    .map((item) => {
      const was = item.difference?.recipe ?? "";
      const now = item.difference?.make ?? "";
      const position = recipe.steps.findIndex((step) => step.stepId === item.stepId);
      const step = position >= 0 ? `step ${position + 1}` : "a step";
      switch (item.recipeField) {
        case "rating":
          return `rating ${was || "none"} → ${now || "none"}`;
        case "name":
          return `name “${was}” → “${now}”`;
        case "instruction":
          if (item.change === "added") return `added a step: “${now}”`;
          if (item.change === "removed") return `skipped ${step}: “${was}”`;
          if (item.change === "moved") return `moved ${step}: “${was}”`;
          return `edited ${step}: “${was}” → “${now}”`;
        default: {
          if (item.change === "scaled") return `every amount ×${number(item.factor)}`;
          if (item.change === "added") return `added ${now}`;
          if (item.change === "removed") return `left out ${was}`;
          if (item.change === "substituted") return `swapped ${was} for ${now}`;
          const name = recipe.ingredients.find((i) => i.ingredientId === item.ingredientId)?.ingredientName ?? "an ingredient";
          return `${name}, ${FIELD_WORDS[item.ingredientField] ?? item.ingredientField}: ${was} → ${now}`;
        }
      }
    })
    .join("; ");
}

/** A make's flat list grouped by `changeId`, in order: `[[changeId, items]…]`. */
function changesById(flat) {
  const groups = new Map();
  for (const item of flat) {
    if (!groups.has(item.changeId)) groups.set(item.changeId, []);
    groups.get(item.changeId).push(item);
  }
  return [...groups];
}

/** What a conflict is about, in words: BASE's ingredient or step, the rating, the name. */
function conflictSubject(conflict, base) {
  switch (conflict.recipeField) {
    case "ingredient":
      return base.ingredients.find((i) => i.ingredientId === conflict.ingredientId)?.ingredientName ?? `ingredient ${conflict.ingredientId}`;
    case "instruction": {
      const at = base.steps.findIndex((step) => step.stepId === conflict.stepId);
      return at >= 0 ? `step ${at + 1}` : "a new step";
    }
    default:
      return conflict.recipeField;
  }
}

/**
 * A make made the recipe's next version (`POST …/versions`), whole or
 * change by change. Every choice asks the server for a dry run, so the
 * cook sees the version it would make, and any conflicts with the latest
 * version when the make was cooked from an older one, before saving.
 */
async function promotePage(id, makeId, chosenText) {
  const [make, flat, latest] = await Promise.all([
    api(`${recipePath(id)}/makes/${encodeURIComponent(makeId)}`),
    api(`${recipePath(id)}/makes/${encodeURIComponent(makeId)}/differences`),
    latestVersion(id),
  ]);
  const [cookedFrom, newest] = await Promise.all([
    api(`${recipePath(id)}/versions/${encodeURIComponent(make.recipeVersion)}`).then((v) => v.recipe),
    api(`${recipePath(id)}/versions/${encodeURIComponent(latest)}`).then((v) => v.recipe),
  ]);
  const when = date(make.madeAt ?? make.recordedAt);
  const choosing = chosenText !== undefined;
  const chosen = new Set((chosenText ?? "").split(",").filter(Boolean).map(Number));
  const title = choosing ? "Take some of these changes" : "Make this the recipe";
  setCrumbs([newest.recipeName, recipeUrl(id)], [`Made ${when}`, makeUrl(id, makeId)], [title, promoteUrl(id, makeId, choosing ? [...chosen] : undefined)]);
  document.title = `${title}: ${newest.recipeName}, made ${when} — Recipe diff`;
  const groups = changesById(flat);
  const merged = make.recipeVersion < latest;

  const announcer = h("p", { class: "visually-hidden", "aria-live": "polite", id: "promote-announce" });
  const boxes = groups.map(([changeId, items]) =>
    h("input", { type: "checkbox", id: `change-${changeId}`, name: "changes", value: changeId, checked: !choosing || chosen.has(changeId) }),
  );
  const picked = () => boxes.filter((box) => box.checked).map((box) => Number(box.value));
  const changeFields = h(
    "fieldset",
    { id: "make-changes" },
    h("legend", {}, "This make's changes"),
    h("p", { class: "hint" }, `Against version ${make.recipeVersion}, the one it was cooked from. Untick what should not go into the recipe.`),
    groups.length
      ? h(
          "ul",
          { class: "choices" },
          groups.map(([changeId, items], at) => h("li", {}, boxes[at], " ", h("label", { for: `change-${changeId}` }, flatChangeText(items, cookedFrom)))),
        )
      : h("p", { class: "muted" }, "None: this make was cooked exactly as written."),
  );

  const resolveChoices = h("div", { id: "resolve", class: "resolve", hidden: true });
  let resolve = null;
  const previewCount = h("p", { class: "preview-count", id: "preview-count", "aria-live": "polite" }, "Comparing…");
  const previewBody = h("div", { id: "preview-body" });
  const conflictBody = h("div", { id: "conflicts" });
  const preview = h(
    "section",
    { class: "preview", id: "preview", "aria-labelledby": "preview-title", "data-state": "waiting" },
    h("h2", { id: "preview-title", tabindex: "-1" }, `What version ${latest + 1} would change in version ${latest}`),
    previewCount,
    previewBody,
    conflictBody,
    resolveChoices,
  );
  const message = h("input", { id: "message", name: "message", type: "text", maxlength: 1000, autocomplete: "off", value: `From the make of ${when}` });
  const save = h("button", { type: "button", class: "button primary", id: "save", disabled: true }, `Save as version ${latest + 1}`);
  const saved = h("p", { class: "save-status", role: "status", id: "save-status" });
  const problem = h("p", { class: "problem", role: "alert", id: "save-problem" });

  /** The body of the promotion the page shows. */
  const request = (dryRun) => {
    const ids = picked();
    return {
      fromMake: make.makeId,
      // Every change ticked is the whole make, as it was cooked.
      ...(ids.length === groups.length ? {} : { changes: ids }),
      message: message.value.trim() || undefined,
      dryRun,
      ...(resolve ? { resolve } : {}),
    };
  };

  let conflicts = [];
  let differs = false;
  let asked = 0;
  const refresh = async () => {
    const mine = ++asked;
    preview.dataset.state = "waiting";
    save.disabled = true;
    if (!picked().length) {
      previewCount.textContent = "No changes chosen";
      previewBody.replaceChildren(h("p", { class: "muted" }, "Tick the changes to take into the recipe."));
      conflictBody.replaceChildren();
      resolveChoices.hidden = true;
      preview.dataset.state = "ready";
      return;
    }
    try {
      const result = await (await write("POST", `${recipePath(id)}/versions`, request(true))).json();
      const text = await differencesInWords(newest, result.recipe);
      if (mine !== asked) return;
      const count = changeLines(text).length;
      differs = count > 0;
      previewCount.textContent = count ? plural(count, "change") : "No changes: the latest version has these already";
      previewBody.replaceChildren(count ? changeList(text) : h("p", { class: "muted" }, "Saving would make no new version."));
      conflicts = result.conflicts;
      conflictBody.replaceChildren(
        ...(conflicts.length
          ? [
              h("h3", { id: "conflicts-title" }, `${plural(conflicts.length, "conflict")} with version ${latest}`),
              h("p", { class: "hint" }, `Version ${latest} and this make change the same things differently. Choose which side wins, or untick the make's change.`),
              table(
                `Conflicts: version ${make.recipeVersion} (cooked from), version ${latest} (latest) and this make`,
                ["What", `Version ${make.recipeVersion}`, `Version ${latest}`, "This make"],
                conflicts.map((c) => ({ class: "conflict", cells: [conflictSubject(c, cookedFrom), c.base || "—", c.ours || "—", c.theirs || "—"] })),
              ),
            ]
          : []),
      );
      resolveChoices.hidden = !conflicts.length;
      preview.dataset.state = "ready";
      save.disabled = !differs || (conflicts.length > 0 && !resolve);
    } catch (error) {
      if (mine !== asked) return;
      previewCount.textContent = "Cannot show the new version";
      previewBody.replaceChildren(h("p", { class: "problem" }, error.message));
      preview.dataset.state = "error";
    }
  };

  const announce = (text) => {
    announcer.textContent = text;
  };
  const side = (value, label) => {
    const input = h("input", { type: "radio", name: "resolve", id: `resolve-${value}`, value });
    input.addEventListener("change", () => {
      resolve = value;
      announce(`Conflicts: ${label.toLowerCase()}.`);
      refresh();
    });
    return h("div", { class: "choice" }, input, " ", h("label", { for: `resolve-${value}` }, label));
  };
  resolveChoices.append(
    h(
      "fieldset",
      {},
      h("legend", {}, "Which side wins"),
      side("ours", `Keep version ${latest}'s`),
      side("theirs", "Take this make's"),
    ),
  );
  for (const box of boxes) box.addEventListener("change", refresh);

  save.addEventListener("click", async () => {
    save.disabled = true;
    saved.textContent = "Saving…";
    problem.textContent = "";
    try {
      const response = await write("POST", `${recipePath(id)}/versions`, request(false));
      const result = await response.json();
      if (!result.written) {
        saved.textContent = `No changes, no new version: version ${result.version} has them already.`;
        return;
      }
      notice = `Saved as version ${result.version}.`;
      window.location.hash = historyUrl(id);
    } catch (error) {
      saved.textContent = "";
      problem.textContent = error.message;
      save.disabled = false;
    }
  });

  const whole = !choosing
    ? "Every change of this make goes into the recipe (its date and notes stay with the make)."
    : "Choose the changes that go into the recipe.";
  refresh();
  return [
    h("h1", { tabindex: "-1", id: "promote-title" }, title),
    h(
      "p",
      {},
      `${newest.recipeName}, made ${when}, cooked from version ${make.recipeVersion}. ${whole} `,
      merged ? `The recipe is at version ${latest} now: its own changes since version ${make.recipeVersion} stay, and the make's are added to them.` : "",
    ),
    h(
      "form",
      { class: "editor promote", id: "promote", novalidate: true, "aria-labelledby": "promote-title" },
      h("div", { class: "editor-fields" }, changeFields),
      preview,
      h(
        "div",
        { class: "editor-save" },
        field("message", "Why the recipe changes, in a few words", message, "Kept with the new version in the history."),
        save,
        saved,
        problem,
      ),
    ),
    announcer,
  ];
}

// ---- Suggestions -------------------------------------------------------------

/**
 * The recipe page's suggestions: changes that went with better ratings,
 * each with its evidence and a way to take it into the recipe.
 */
function suggestionsSection(id, suggestions) {
  if (!suggestions.suggestions.length) return null;
  return section(
    "Suggested changes",
    h("p", { class: "muted", id: "suggestions-hint" }, suggestions.hint),
    h(
      "ol",
      { class: "cards suggestions", id: "suggestions" },
      suggestions.suggestions.map((s) =>
        h(
          "li",
          { class: "card suggestion", "data-change": s.change },
          h("h3", {}, s.change),
          h(
            "p",
            { class: "meta" },
            `${plural(s.makes, "make")} with it: ${rating(s.averageRatingWith)} on average, against ${rating(s.averageRatingWithout)} without it `,
            badge("better", `+${number(s.ratingDifference, 1)}`),
          ),
          h(
            "ul",
            { class: "evidence" },
            s.evidence.map((e) =>
              h("li", {}, h("a", { href: makeUrl(id, e.makeId) }, `Made ${date(e.madeAt)}`), ` · ${rating(e.rating)} · cooked from version ${e.recipeVersion}`),
            ),
          ),
          s.inProposal
            ? h("p", {}, h("a", { class: "button", href: promoteUrl(id, s.fromMake, s.changeIds) }, "Take this change"))
            : h("p", { class: "muted" }, `Not in the proposal: it conflicts with ${s.conflicts.map((c) => c.ours || "the recipe").join(", ")}.`),
        ),
      ),
    ),
  );
}

// ---- Router ----------------------------------------------------------------

const ROUTES = [
  [/^#?\/?$/, "list", listPage],
  [/^#\/recipes\/([^/?]+)\/?$/, "recipe", recipePage],
  [/^#\/recipes\/([^/?]+)\/analytics\/?$/, "analytics", analyticsPage],
  [/^#\/recipes\/([^/?]+)\/history\/?$/, "history", historyPage],
  [/^#\/recipes\/([^/?]+)\/record\/?(?:\?version=([^&]+))?$/, "record", (id, version) => editorPage(id, "make", version)],
  [/^#\/recipes\/([^/?]+)\/edit\/?$/, "edit", (id) => editorPage(id, "recipe")],
  [/^#\/recipes\/([^/?]+)\/makes\/([^/?]+)\/?$/, "make", (id, makeId) => makePage(id, makeId)],
  [/^#\/recipes\/([^/?]+)\/makes\/([^/?]+)\/against-latest\/?$/, "make", (id, makeId) => makePage(id, makeId, "latest")],
  [/^#\/recipes\/([^/?]+)\/makes\/([^/?]+)\/promote\/?(?:\?changes=([0-9,]*))?$/, "promote", promotePage],
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
    const args = hash
      .match(pattern)
      .slice(1)
      .map((arg) => (arg === undefined ? undefined : decodeURIComponent(arg)));
    const content = await page(...args);
    view.replaceChildren(...content);
    if (notice) {
      view.prepend(h("p", { class: "notice", role: "status", id: "notice" }, notice));
      notice = null;
    }
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
