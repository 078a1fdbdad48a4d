"""Writes zerofee/_generated.py (TypedDicts) from ZeroFee's OpenAPI document, read on stdin.

Run through `npm run sdk:generate` at the repository root, which boots a server and feeds its
/openapi.json here; the SDK tests do the same and fail when the checked-in file differs.
Standard library only, Python 3.9+.
"""
import json
import keyword
import sys

# Request bodies the SDK sends, named after the call that sends them.
REQUEST_BODIES = {
    ("post", "/v1/payments"): "PaymentCreateParams",
    ("post", "/v1/checkout/sessions"): "CheckoutSessionCreateParams",
    ("post", "/v1/refunds"): "RefundCreateParams",
}


def py_literal(value):
    if isinstance(value, str):
        return json.dumps(value)
    return repr(value)


class Generator:
    def __init__(self) -> None:
        self.blocks = []  # type: list
        self.names = set()  # type: set

    def type_of(self, schema, name_hint):
        if schema is True or schema == {}:
            return "Any"
        if "$ref" in schema:
            return '"%s"' % schema["$ref"].rsplit("/", 1)[-1]
        if "const" in schema:
            return "Literal[%s]" % py_literal(schema["const"])
        if "enum" in schema:
            return "Literal[%s]" % ", ".join(py_literal(v) for v in schema["enum"])
        for union in ("anyOf", "oneOf"):
            if union in schema:
                parts = []
                for i, s in enumerate(schema[union]):
                    t = self.type_of(s, "%s%d" % (name_hint, i + 1))
                    if t not in parts:
                        parts.append(t)
                return parts[0] if len(parts) == 1 else "Union[%s]" % ", ".join(parts)
        kind = schema.get("type")
        if isinstance(kind, list):
            parts = [self.type_of(dict(schema, type=k), name_hint) for k in kind]
            return parts[0] if len(parts) == 1 else "Union[%s]" % ", ".join(parts)
        if kind == "string":
            return "str"
        if kind == "integer":
            return "int"
        if kind == "number":
            return "float"
        if kind == "boolean":
            return "bool"
        if kind == "null":
            return "None"
        if kind == "array":
            return "List[%s]" % self.type_of(schema.get("items", {}), name_hint + "Item")
        if kind == "object" or "properties" in schema:
            if schema.get("properties"):
                self.typed_dict(name_hint, schema)
                return '"%s"' % name_hint
            extra = schema.get("additionalProperties")
            return "Dict[str, %s]" % (self.type_of(extra, name_hint + "Value") if isinstance(extra, dict) else "Any")
        return "Any"

    def typed_dict(self, name, schema):
        if name in self.names:
            raise SystemExit("duplicate generated name: " + name)
        self.names.add(name)
        required = set(schema.get("required", []))
        props = schema.get("properties", {})
        fields = []
        for key in props:
            fields.append((key, self.type_of(props[key], name + "".join(p.capitalize() for p in key.split("_"))), key in required))
        doc = schema.get("description")
        lines = []
        # Required keys in a total base, optional ones in a total=False subclass (3.9 has no NotRequired).
        req = [f for f in fields if f[2]]
        opt = [f for f in fields if not f[2]]
        if any(not k.isidentifier() or keyword.iskeyword(k) for k, _, _ in fields):
            # A key such as `from` cannot be a class attribute: the functional syntax takes any string.
            def functional(n, part, total):
                items = ", ".join("%s: %s" % (json.dumps(k), t) for k, t, _ in part)
                return '%s = TypedDict("%s", {%s}%s)' % (n, n, items, "" if total else ", total=False")
            lines.append(functional("_%sRequired" % name, req, True))
            lines.append(functional("_%sOptional" % name, opt, False))
            lines.append("")
            lines.append("")
            lines.append("class %s(_%sRequired, _%sOptional):" % (name, name, name))
            lines.append('    """%s"""' % (doc or name).replace('"""', "'''"))
            self.blocks.append("\n".join(lines))
            return
        if req and opt:
            lines.append("class _%sRequired(TypedDict):" % name)
            lines += ["    %s: %s" % (k, t) for k, t, _ in req]
            lines.append("")
            lines.append("")
            lines.append("class %s(_%sRequired, total=False):" % (name, name))
            body = opt
        else:
            lines.append("class %s(TypedDict%s):" % (name, "" if req else ", total=False"))
            body = req or opt
        if doc:
            lines.append('    """%s"""' % doc.replace('"""', "'''"))
        lines += ["    %s: %s" % (k, t) for k, t, _ in body]
        if not body and not doc:
            lines.append("    pass")
        self.blocks.append("\n".join(lines))


def main():
    document = json.load(sys.stdin)
    g = Generator()
    for name, schema in sorted(document.get("components", {}).get("schemas", {}).items()):
        if name.endswith("Input"):
            continue  # zod's input-side twins of the response objects
        g.typed_dict(name, schema)
    for (method, path), name in sorted(REQUEST_BODIES.items(), key=lambda x: x[1]):
        op = document.get("paths", {}).get(path, {}).get(method)
        if not op:
            continue  # not served by this server yet
        g.typed_dict(name, op["requestBody"]["content"]["application/json"]["schema"])
    out = [
        "# Generated by `npm run sdk:generate` from ZeroFee's /openapi.json. Do not edit.",
        "from typing import Any, Dict, List, Literal, TypedDict, Union",
        "",
        "",
        "",
    ]
    sys.stdout.write("\n".join(out) + "\n\n\n".join(g.blocks) + "\n\n\n__all__ = [%s]\n" % ", ".join('"%s"' % n for n in sorted(g.names)))


if __name__ == "__main__":
    main()
