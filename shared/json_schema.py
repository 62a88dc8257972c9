"""Plain JSON Schemas from the marshmallow schemas we load with, and the error body's schema with
every machine code (for the OpenAPI and AsyncAPI documents alike)."""
from __future__ import annotations

import copy
from decimal import Decimal

from apispec import APISpec
from apispec.ext.marshmallow.openapi import OpenAPIConverter
from marshmallow import Schema, fields

from shared.contracts import FieldError
from shared.errors import MARSHMALLOW_CODES, MESSAGES_ZH
from shared.fields import distinct

OPENAPI_VERSION = "3.1.0"


def error_codes() -> dict[str, str]:
    """Every machine code an error or a field error may carry, with its Chinese message."""
    codes = dict(MESSAGES_ZH)
    for code, zh in MARSHMALLOW_CODES.values():
        codes.setdefault(code, zh)
    codes.setdefault("invalid_value", "取值无效")
    return codes


def _drop_required(node) -> None:
    if isinstance(node, dict):
        node.pop("required", None)
        for value in node.values():
            _drop_required(value)
    elif isinstance(node, list):
        for value in node:
            _drop_required(value)


def _partial_nested(self, field_obj, ret, **_kw) -> dict:
    """marshmallow loads a partial schema's nested objects partially too: say so."""
    partial = getattr(field_obj.parent, "partial", None)
    if not isinstance(field_obj, fields.Nested) or not partial:
        return {}
    if partial is True:
        _drop_required(ret)
    elif any(p.startswith(f"{field_obj.name}.") for p in partial):
        # Dotted names ("wisher.phone") make only that nested object's own fields optional.
        ret.pop("required", None)
    return {}


def _unique(self, field_obj, **_kw) -> dict:
    """A list that refuses repeats (shared.fields.distinct) says so."""
    if isinstance(field_obj, fields.List) and distinct in field_obj.validators:
        return {"uniqueItems": True}
    return {}


def _decimal(self, field_obj, ret, **_kw) -> dict:
    """A Decimal's bounds and default as numbers (apispec copies them as Decimal's strings)."""
    if not isinstance(field_obj, fields.Decimal):
        return {}
    return {k: float(ret[k]) for k in ("minimum", "maximum", "default")
            if isinstance(ret.get(k), (str, Decimal))}


def portable(node):
    """Python's \\A and \\Z anchors as ^ and $, which every JSON Schema validator reads."""
    if isinstance(node, dict):
        return {k: v.replace(r"\A", "^").replace(r"\Z", "$")
                if k == "pattern" and isinstance(v, str) else portable(v) for k, v in node.items()}
    if isinstance(node, list):
        return [portable(v) for v in node]
    return node


def json_schema(schema: type[Schema] | Schema, notes: dict | None = None) -> dict:
    """A self-contained JSON Schema (nested schemas inlined) for a marshmallow schema.

    `notes` maps (schema class, field name) to extra keywords, for what validators
    written in Python cannot tell apispec (an ID number's shape, say).
    """
    converter = OpenAPIConverter(OPENAPI_VERSION, lambda _s: None,
                                 APISpec("-", "-", OPENAPI_VERSION))
    converter.add_attribute_function(_partial_nested)
    converter.add_attribute_function(_unique)
    converter.add_attribute_function(_decimal)
    if notes:
        def _notes(self, field_obj, **_kw) -> dict:
            return copy.deepcopy(notes.get((type(field_obj.parent), field_obj.name), {}))
        converter.add_attribute_function(_notes)
    instance = schema() if isinstance(schema, type) else schema
    out = converter.schema2jsonschema(instance)
    if type(instance).__doc__ and "description" not in out:
        out["description"] = " ".join(type(instance).__doc__.split())
    return portable(out)


def error_schema() -> dict:
    codes = error_codes()
    table = "\n".join(f"- `{code}`: {zh}" for code, zh in sorted(codes.items()))
    return {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message", "fields"], "properties": {
            "code": {"type": "string", "description": "机器可读的错误代码：\n" + table},
            "message": {"type": "string", "description": "中文说明，可直接展示给用户"},
            "fields": {"type": "array", "items": json_schema(FieldError),
                       "description": "出错的字段（点号分隔的路径）、代码和中文说明"}}}},
        "x-error-codes": codes}
