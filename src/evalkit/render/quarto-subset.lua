--[[
quarto-subset.lua: the Quarto features evalkit's embedded renderer supports, done in pandoc.

* Cross-references: figures with ids `fig-*` and tables with ids `tbl-*` are numbered in
  document order; `@fig-x` / `@tbl-x` become links reading "<prefix> <n>", and captions start
  with "<prefix> <n>: ". Prefixes come from metadata `crossref.fig-prefix` / `crossref.tbl-prefix`
  (the pipeline sets them from its gettext catalogue in the document language). A reference to
  an id that does not exist stops the render.
* Alt text: an image's `fig-alt` attribute is its alternative text in every writer
  (pandoc 3.9's Typst writer drops image descriptions; here the image is written as raw Typst
  with `alt:`).
* Image paths: relative paths are made relative to the intermediate file via metadata
  `evalkit-resource-prefix`.
]]

local prefix = { fig = "Figure", tbl = "Table" }
local numbers = {}     -- id -> number
local counters = { fig = 0, tbl = 0 }
local resource_prefix = ""

local function kind_of(id)
  if id == nil then return nil end
  local k = id:match("^(%a+)%-")
  if k == "fig" or k == "tbl" then return k end
  return nil
end

local function typst_string(s)
  return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

local function fix_path(src)
  if src:match("^%a[%w+.-]*:") or src:sub(1, 1) == "/" then return src end
  if resource_prefix == "" then return src end
  return resource_prefix .. "/" .. src
end

local function read_meta(meta)
  local cr = meta.crossref
  if cr then
    if cr["fig-prefix"] then prefix.fig = pandoc.utils.stringify(cr["fig-prefix"]) end
    if cr["tbl-prefix"] then prefix.tbl = pandoc.utils.stringify(cr["tbl-prefix"]) end
  end
  if meta["evalkit-resource-prefix"] then
    resource_prefix = pandoc.utils.stringify(meta["evalkit-resource-prefix"])
  end
end

-- First pass: number figures and tables in document order.
local function number_blocks(doc)
  local function numberer(kind)
    return function(el)
      if kind_of(el.identifier) == kind and not numbers[el.identifier] then
        counters[kind] = counters[kind] + 1
        numbers[el.identifier] = counters[kind]
      end
    end
  end
  doc:walk({ Figure = numberer("fig"), Table = numberer("tbl") })
end

local function label_for(id)
  return prefix[kind_of(id)] .. "\u{a0}" .. tostring(numbers[id])
end

local function prepend_caption(caption, id)
  local lead = pandoc.Inlines({ pandoc.Str(label_for(id) .. ":"), pandoc.Space() })
  if #caption.long == 0 then
    caption.long = { pandoc.Plain(lead) }
  else
    local first = caption.long[1]
    if first.t == "Plain" or first.t == "Para" then
      first.content = lead .. first.content
    else
      table.insert(caption.long, 1, pandoc.Plain(lead))
    end
  end
  return caption
end

local function image_alt(img)
  local alt = img.attributes["fig-alt"]
  if alt == nil or alt == "" then alt = pandoc.utils.stringify(img.caption) end
  return alt
end

local function convert_image(img)
  img.src = fix_path(img.src)
  local alt = image_alt(img)
  if FORMAT:match("typst") then
    return pandoc.RawInline("typst", "#image(" .. typst_string(img.src) .. ", alt: " .. typst_string(alt) .. ")")
  end
  img.attributes["fig-alt"] = nil
  if FORMAT:match("html") then
    img.attributes["alt"] = alt
  else
    -- docx and others take the description as alt text
    img.caption = { pandoc.Str(alt) }
  end
  return img
end

-- Typst reads the start of a table cell's content block as the start of a line: a cell whose text
-- begins "6. Resource use", "- ", "+ ", "= " or "/ " would become a numbered or bulleted list, a
-- heading or a term (pandoc's Typst writer escapes these markers only after a line break). The
-- marker is escaped so the cell stays text, as it is in HTML and DOCX.
local function escape_cell_start(cell)
  local first = cell.contents[1]
  if not first or (first.t ~= "Plain" and first.t ~= "Para") then return end
  local head = first.content[1]
  if not head or head.t ~= "Str" then return end
  local text = head.text
  -- only the marker's punctuation becomes raw Typst ("\."); the rest stays a Str that pandoc
  -- escapes as usual, so no cell text can ever reach Typst as code
  local digits, mark, rest = text:match("^(%d+)([.)])(.*)$")
  local parts = nil
  if digits then
    parts = { pandoc.Str(digits), pandoc.RawInline("typst", "\\" .. mark) }
  else
    mark, rest = text:match("^([-+=/])(.*)$")
    if mark then parts = { pandoc.RawInline("typst", "\\" .. mark) } end
  end
  if not parts then return end
  if rest ~= "" then table.insert(parts, pandoc.Str(rest)) end
  first.content:remove(1)
  for i = #parts, 1, -1 do first.content:insert(1, parts[i]) end
end

local function escape_table_cells(el)
  local function rows(list)
    for _, row in ipairs(list) do
      for _, cell in ipairs(row.cells) do escape_cell_start(cell) end
    end
  end
  rows(el.head.rows)
  for _, body in ipairs(el.bodies) do
    rows(body.head)
    rows(body.body)
  end
  rows(el.foot.rows)
end

local second_pass = {
  Figure = function(el)
    if numbers[el.identifier] then el.caption = prepend_caption(el.caption, el.identifier) end
    return el
  end,
  Table = function(el)
    if numbers[el.identifier] then el.caption = prepend_caption(el.caption, el.identifier) end
    if FORMAT:match("typst") then escape_table_cells(el) end
    if FORMAT:match("html") then
      -- a wide table scrolls inside its own captioned region, never the page (reflow at 320 CSS px)
      local label = pandoc.utils.stringify(el.caption.long)
      -- a list of pairs, not a table keyed by name: Lua's key order is not fixed, the bytes must be
      local attrs = { { "role", "region" }, { "tabindex", "0" } }
      if label ~= "" then table.insert(attrs, { "aria-label", label }) end
      return pandoc.Div({ el }, pandoc.Attr("", { "table-scroll" }, attrs))
    end
    return el
  end,
  Image = convert_image,
  Cite = function(el)
    local out = pandoc.Inlines({})
    for i, c in ipairs(el.citations) do
      local id = c.id
      if not kind_of(id) then
        return nil -- not a cross-reference: leave citations alone
      end
      if not numbers[id] then
        error("evalkit: cross-reference @" .. id .. " points to no figure or table in this document")
      end
      if i > 1 then out:insert(pandoc.Str(", ")) end
      out:insert(pandoc.Link(label_for(id), "#" .. id))
    end
    return out
  end,
}

function Pandoc(doc)
  read_meta(doc.meta)
  number_blocks(doc)
  return doc:walk(second_pass)
end
