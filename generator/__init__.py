"""OpenAPI-driven code generator for Bitrix24 REST clients.

Pipeline: load (YAML with line numbers) -> resolve `$ref`s -> validate (openapi-spec-validator)
-> build the intermediate model -> render Jinja templates -> format with black -> write.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
