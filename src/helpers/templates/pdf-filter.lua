-- Turn an executed section notebook into publication content for the PDF.
-- pandoc keeps every representation of a notebook output and picks one only after filters run,
-- so this filter picks one itself: an image (display.show_figure, made a figure with alt text
-- and caption), else HTML (display.show_table), else Markdown (display.show_markdown), else text.
-- Code, error output and stderr are dropped, as on the website.
-- In MyST pages, a directive (```{note} ... ```) is printed as its Markdown body, without options.

-- render.py extracts notebook images into this folder (pandoc --extract-media=media), which
-- happens after filters run, so raw Typst figures name the extracted path themselves.
local MEDIA = "media/"

local function typst_string(text)
  return '"' .. text:gsub("\\", "\\\\"):gsub('"', '\\"') .. '"'
end

local function single_image(block)
  if block.t == "Para" and #block.content == 1 and block.content[1].t == "Image" then
    return block.content[1]
  end
end

local function figure(img)
  local caption = img.attributes["caption"]
  if not caption then
    return pandoc.Para({ img })
  end
  local caption_blocks = pandoc.read(caption, "markdown").blocks
  local caption_typst = pandoc.write(pandoc.Pandoc(caption_blocks), "typst"):gsub("%s+$", "")
  local label = img.attributes["name"] and (" <fig-" .. img.attributes["name"] .. ">") or ""
  local code = "#figure(image(" .. typst_string(MEDIA .. img.src) .. ", alt: "
    .. typst_string(img.attributes["alt"] or "") .. "), caption: [" .. caption_typst .. "])"
    .. label .. "\n"
  return pandoc.RawBlock("typst", code)
end

local function raw_of(blocks, format)
  for _, block in ipairs(blocks) do
    if block.t == "RawBlock" and block.format == format then
      return block
    end
  end
end

local function best_output(div)
  for _, block in ipairs(div.content) do
    local img = single_image(block)
    if img then
      return { figure(img) }
    end
  end
  for _, format in ipairs({ "html", "markdown" }) do
    local raw = raw_of(div.content, format)
    if raw then
      return pandoc.read(raw.text, format).blocks
    end
  end
  return div.content
end

function Div(el)
  if el.classes:includes("output") then
    if el.classes:includes("error") or el.classes:includes("stderr") then
      return {}
    end
    return best_output(el)
  end
  if el.classes:includes("cell") then
    local kept = {}
    for _, block in ipairs(el.content) do
      if block.t ~= "CodeBlock" then
        table.insert(kept, block)
      end
    end
    return kept
  end
end

function CodeBlock(el)
  local directive = el.classes[1]
  if directive and directive:match("^{.+}$") then
    local body = {}
    for line in (el.text .. "\n"):gmatch("(.-)\n") do
      if not line:match("^:[%w_-]+:") then
        table.insert(body, line)
      end
    end
    return pandoc.read(table.concat(body, "\n"), "markdown").blocks
  end
end
