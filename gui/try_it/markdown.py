"""A model's answer, written in Markdown, as the HTML subset a QTextDocument shows, made safe: raw HTML in the
answer stays text (html=False), images become their alt text (nothing is ever fetched), and only http(s) links
stay links. Code blocks get a "Copy code" link whose address names the block (``copy-code:N``), so the copy is
of the raw code, not of the rendered text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

COPY_SCHEME = "copy-code"
SAFE_SCHEMES = ("http://", "https://")
MAX_HEADING = 4  # h1 becomes h2 and so on down to h4: a bubble is no page, its headings stay modest


@dataclass(frozen=True)
class Style:
    """What the HTML needs from the theme: colours as #rrggbb, the monospace family, our own texts."""

    code_background: str
    code_header: str
    muted: str
    border: str
    monospace: str
    copy_code: str  # the link's text, translated
    image: str  # "[image: {alt}]", translated


@dataclass(frozen=True)
class Rendered:
    html: str
    codes: tuple[str, ...]  # the raw text of each code block, by its number in the copy links


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt  # start-up speed: only once an answer is shown

    parser = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["table", "strikethrough"])
    for name, rule in (("fence", _code), ("code_block", _code), ("image", _image), ("link_open", _link_open),
                       ("link_close", _link_close), ("heading_open", _heading), ("heading_close", _heading),
                       ("table_open", _table_open), ("code_inline", _code_inline)):
        parser.add_render_rule(name, rule)
    return parser


def render(markdown: str, style: Style) -> Rendered:
    codes: list[str] = []
    body = _parser().render(markdown, {"style": style, "codes": codes, "links": []})
    return Rendered(f"<html><body>{body}</body></html>", tuple(codes))


Env = dict[str, Any]


def _code(renderer: Any, tokens: Sequence[Token], index: int, options: Any, env: Env) -> str:
    token, style = tokens[index], env["style"]
    code = token.content.removesuffix("\n")
    env["codes"].append(code)
    language = escape(token.info.split()[0]) if token.info.strip() else ""
    link = f"<a href='{COPY_SCHEME}:{len(env['codes']) - 1}'>{escape(style.copy_code)}</a>"
    return (f"<table width='100%' cellspacing='0' cellpadding='6' bgcolor='{style.code_background}'>"
            f"<tr><td bgcolor='{style.code_header}'><span style='color:{style.muted}'>{language}</span></td>"
            f"<td bgcolor='{style.code_header}' align='right'>{link}</td></tr>"
            f"<tr><td colspan='2'><pre style=\"font-family:'{style.monospace}'; white-space:pre-wrap\">"
            f"{escape(code)}</pre></td></tr></table>\n")


def _code_inline(renderer: Any, tokens: Sequence[Token], index: int, options: Any, env: Env) -> str:
    style = env["style"]
    return (f"<code style=\"font-family:'{style.monospace}'; background-color:{style.code_background}\">"
            f"{escape(tokens[index].content)}</code>")


def _image(renderer: Any, tokens: Sequence[Token], index: int, options: Any, env: Env) -> str:
    """An image is never loaded: the reader sees what it shows, in words."""
    alt = renderer.renderInlineAsText(tokens[index].children or [], options, env)
    return f"<i>{escape(env['style'].image.format(alt=alt))}</i>"


def _link_open(renderer: Any, tokens: Sequence[Token], index: int, options: Any, env: Env) -> str:
    href = str(tokens[index].attrGet("href") or "")
    safe = href.lower().startswith(SAFE_SCHEMES)
    env["links"].append(safe)
    return f"<a href='{escape(href)}'>" if safe else ""


def _link_close(renderer: Any, tokens: Sequence[Token], index: int, options: Any, env: Env) -> str:
    return "</a>" if env["links"] and env["links"].pop() else ""


def _heading(renderer: Any, tokens: Sequence[Token], index: int, options: Any, env: Env) -> str:
    token = tokens[index]
    level = min(int(token.tag[1]) + 1, MAX_HEADING)
    return f"<h{level}>" if token.nesting == 1 else f"</h{level}>\n"


def _table_open(renderer: Any, tokens: Sequence[Token], index: int, options: Any, env: Env) -> str:
    colour = env["style"].border
    return (f"<table border='1' cellspacing='0' cellpadding='4' "
            f"style='border-collapse:collapse; border-color:{colour}; border-style:solid'>\n")
