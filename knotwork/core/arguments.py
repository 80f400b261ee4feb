"""Services that take a record's details as keyword arguments typed by a TypedDict (`**details: Unpack[Details]`)
refuse a keyword the TypedDict does not name, as Python does for a named parameter: a caller's typo is an error,
never a detail silently dropped or an attribute set on the model."""

from collections.abc import Mapping


def names_of(details: type) -> tuple[str, ...]:
    """The keys of a TypedDict, in the order it declares them."""
    return tuple(details.__annotations__)


def refuse_unknown(service: str, given: Mapping[str, object], details: type) -> None:
    unknown = sorted(set(given) - set(names_of(details)))
    if unknown:
        raise TypeError(f"{service}() got unexpected keyword arguments: {', '.join(unknown)}")
