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
* Section numbers (`number-sections`, `number-depth` as in Quarto): headings deeper than
  `number-depth` are unnumbered (they carry their own labels, "Finding 1.1"). The sections under
  a heading with class `annexes` are lettered ("Annex A: ..."; prefix `crossref.annex-prefix`,
  with `{letter}`) instead of numbered.
* Contents: in Typst, the block `#evalkit-contents` (the end of a report's front matter), or the
  start of a document with `toc: true` that has none, becomes the contents and the lists of tables
  and figures (titles `toc-title`, `crossref.lot-title`, `crossref.lof-title`) on a page of their
  own; HTML and Word place their contents themselves, so there the block becomes the lists of
  tables and figures, each entry a link to its caption.
]]

local prefix = { fig = "Figure", tbl = "Table" }
local numbers = {}     -- id -> number
local counters = { fig = 0, tbl = 0 }
local resource_prefix = ""
local annex_prefix = "Annex {letter}"
local lists = { toc = false, depth = 3, toc_title = "Contents", lot = "List of tables", lof = "List of figures" }
local number_depth = nil

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
  if cr then
    if cr["annex-prefix"] then annex_prefix = pandoc.utils.stringify(cr["annex-prefix"]) end
    if cr["lot-title"] then lists.lot = pandoc.utils.stringify(cr["lot-title"]) end
    if cr["lof-title"] then lists.lof = pandoc.utils.stringify(cr["lof-title"]) end
  end
  lists.toc = meta.toc == true
  if meta["toc-depth"] then lists.depth = tonumber(pandoc.utils.stringify(meta["toc-depth"])) or 3 end
  if meta["toc-title"] then lists.toc_title = pandoc.utils.stringify(meta["toc-title"]) end
  if meta["number-depth"] then number_depth = tonumber(pandoc.utils.stringify(meta["number-depth"])) end
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

local function add_class(el, class)
  if not el.classes:includes(class) then el.classes:insert(class) end
end

-- Unnumbered headings below number-depth, lettered annexes.
local function section_numbers(doc)
  local base = nil
  doc:walk({ Header = function(h) if base == nil or h.level < base then base = h.level end end })
  if base == nil then return doc end
  local annex_level, letter = nil, 0
  local blocks = doc.blocks:walk({
    Header = function(h)
      if annex_level and h.level <= annex_level then annex_level = nil end
      if h.classes:includes("annexes") then
        annex_level, letter = h.level, 0
        add_class(h, "unnumbered")
      elseif annex_level and h.level == annex_level + 1 then
        letter = letter + 1
        local label = annex_prefix:gsub("{letter}", string.char(64 + letter))
        h.content = pandoc.Inlines({ pandoc.Str(label .. ":"), pandoc.Space() }) .. h.content
        add_class(h, "unnumbered")
      elseif number_depth and h.level - base + 1 > number_depth then
        add_class(h, "unnumbered")
      end
      return h
    end,
  })
  doc.blocks = blocks
  return doc
end

local function typst_text(s)
  return "[" .. s:gsub("[%[%]\\#*_`$<>@=/+-]", "\\%0") .. "]"
end

local function contents_block()
  local t = "#outline(title: " .. typst_text(lists.toc_title) .. ", depth: " .. tostring(lists.depth) .. ")\n"
  if counters.tbl > 0 then
    t = t .. "#outline(title: " .. typst_text(lists.lot) .. ", target: figure.where(kind: table))\n"
  end
  if counters.fig > 0 then
    t = t .. "#outline(title: " .. typst_text(lists.lof) .. ", target: figure.where(kind: image))\n"
  end
  return pandoc.RawBlock("typst", t .. "#pagebreak(weak: true)\n")
end

-- HTML and Word: the lists of tables and of figures as headed lists of links to their captions
-- (the contents themselves are the writer's).
local function lists_blocks(doc)
  local entries = { tbl = {}, fig = {} }
  doc:walk({
    Figure = function(el)
      if kind_of(el.identifier) == "fig" and numbers[el.identifier] then
        table.insert(entries.fig, el)
      end
    end,
    Table = function(el)
      if kind_of(el.identifier) == "tbl" and numbers[el.identifier] then
        table.insert(entries.tbl, el)
      end
    end,
  })
  local out = {}
  for _, kind in ipairs({ "tbl", "fig" }) do
    if #entries[kind] > 0 then
      local title = kind == "tbl" and lists.lot or lists.lof
      local level = nil
      doc:walk({ Header = function(h) if level == nil or h.level < level then level = h.level end end })
      level = level or 1
      local id = kind == "tbl" and "list-of-tables" or "list-of-figures"
      table.insert(out, pandoc.Header(level, title, pandoc.Attr(id, { "unnumbered" })))
      local items = {}
      for _, el in ipairs(entries[kind]) do
        local text = label_for(el.identifier) .. ": " .. pandoc.utils.stringify(el.caption.long)
        table.insert(items, { pandoc.Plain({ pandoc.Link(text, "#" .. el.identifier) }) })
      end
      table.insert(out, pandoc.BulletList(items))
    end
  end
  return out
end

-- The contents block: Typst prints the contents and lists there; HTML and Word the lists.
local function place_contents(doc)
  local found = false
  local lists_here = nil
  doc.blocks = doc.blocks:walk({
    Div = function(div)
      if div.identifier ~= "evalkit-contents" then return nil end
      found = true
      if FORMAT:match("typst") then return contents_block() end
      lists_here = lists_here or lists_blocks(doc)
      return lists_here
    end,
  })
  if not found and lists.toc and FORMAT:match("typst") then doc.blocks:insert(1, contents_block()) end
  return doc
end

-- A call-out (a div with class `key-figures`, `case-box` for a case in the findings chapter or
-- `story-box` for a Most Significant Change story): a tinted box in Typst; HTML styles the class
-- (report.css); Word shows the content as plain blocks.
local function key_figures(div)
  local callout = div.classes:includes("key-figures") or div.classes:includes("case-box")
    or div.classes:includes("story-box")
  if not callout or not FORMAT:match("typst") then
    return nil
  end
  local out = { pandoc.RawBlock("typst", '#block(fill: rgb("#eef3f9"), stroke: (left: 3pt + rgb("#1a4f8a")), '
    .. 'inset: 10pt, width: 100%)[') }
  for _, b in ipairs(div.content) do table.insert(out, b) end
  table.insert(out, pandoc.RawBlock("typst", "]"))
  return out
end

local second_pass = {
  Div = key_figures,
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
  doc = section_numbers(doc)
  doc = place_contents(doc)
  return doc:walk(second_pass)
end
