"""Cut the part of the official OpenAI OpenAPI spec that test_conformance.py uses out of the whole spec.

    python -m tests.sandbox.cut_openapi_spec [path/to/openapi.yaml]

The default input is ../shared/data/openai-openapi/openapi.yaml beside the repository. The output,
tests/data/openai-openapi/openapi.json, holds:

* ``openapi`` and ``info`` as they are;
* under ``paths``, every path item that one of the operations the test checks lives on (all its methods),
  copied unchanged except that the ``x-oaiMeta`` keys (the API reference's code samples) are left out;
* under ``components``, the schemas (and any other components) those path items refer to, transitively,
  plus the ``ErrorResponse`` the test checks error answers against; copied unchanged.

Nothing is rewritten, only left out. Run it again after adding an operation to the test's OPERATIONS, or
to move to a newer spec (then update tests/data/openai-openapi/README.md).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import yaml

from tests.sandbox.test_conformance import ERROR_SCHEMA, NOT_JSON, OPERATIONS, SPEC_FILE

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "openai-openapi" / "openapi.yaml"
DOCS_ONLY = "x-oaiMeta"


def without_docs(node: object) -> object:
    if isinstance(node, dict):
        return {key: without_docs(value) for key, value in node.items() if key != DOCS_ONLY}
    if isinstance(node, list):
        return [without_docs(item) for item in node]
    return node


def referenced(document: dict, roots: list[object]) -> set[tuple[str, str]]:
    """The (kind, name) of every component ``roots`` refer to, directly or through other components."""
    found: set[tuple[str, str]] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                if not ref.startswith("#/components/"):
                    raise ValueError(f"a reference this cut cannot follow: {ref}")
                kind, name = ref.removeprefix("#/components/").split("/", 1)
                if (kind, name) not in found:
                    found.add((kind, name))
                    stack.append(document["components"][kind][name])
            stack.extend(node.values())
    return found


def cut(document: dict, operation_ids: set[str]) -> dict:
    templates = {template for template, item in document["paths"].items()
                 if any(isinstance(op, dict) and op.get("operationId") in operation_ids for op in item.values())}
    found = {op.get("operationId") for template in templates for op in document["paths"][template].values()
             if isinstance(op, dict)}
    if missing := operation_ids - found:
        raise ValueError(f"not in the spec: {', '.join(sorted(missing))}")
    paths = {template: without_docs(item) for template, item in document["paths"].items() if template in templates}
    refs = referenced(document, [paths, {"$ref": ERROR_SCHEMA}])
    components = {kind: {name: entry for name, entry in entries.items() if (kind, name) in refs}
                  for kind, entries in document["components"].items()}
    return {"openapi": document["openapi"], "info": document["info"], "paths": paths,
            "components": {kind: entries for kind, entries in components.items() if entries}}


def main(argv: list[str]) -> None:
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    raw = source.read_bytes()
    document = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    text = json.dumps(cut(document, set(OPERATIONS) | NOT_JSON), indent=1, ensure_ascii=False) + "\n"
    SPEC_FILE.parent.mkdir(parents=True, exist_ok=True)
    SPEC_FILE.write_text(text, encoding="utf-8")
    print(f"{source}: spec {document['info']['version']}, sha256 {hashlib.sha256(raw).hexdigest()}")
    print(f"{SPEC_FILE.relative_to(ROOT)}: {len(text.encode())} bytes, "
          f"sha256 {hashlib.sha256(text.encode()).hexdigest()}")


if __name__ == "__main__":
    main(sys.argv[1:])
