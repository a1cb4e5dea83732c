"""The envelope every entity shares (apiVersion, kind, metadata, spec)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from itsmcode.models.types import Name

#: A reference found in an entity: where it is (a loc path), which kind it names, the name.
Reference = tuple[tuple[str | int, ...], str, str]


class Strict(BaseModel):
    """Base of every model: unknown fields are errors, YAML field names are camelCase."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        str_strip_whitespace=False,
        # Each model's validator is built when first used, not at import: `itsm lint FILE`
        # validates a few kinds and should not pay for building all of them (half of
        # importing the models).
        defer_build=True,
    )


class Link(Strict):
    title: str = Field(description="Text of the link.")
    url: str = Field(description="Where it points (a URL).")


class Metadata(Strict):
    name: Name = Field(description="Unique per kind; equals the file's stem (itsm.yaml excepted).")
    title: str | None = Field(None, description="Display name.")
    description: str | None = Field(None, description="What this is, in a sentence or two.")
    labels: dict[str, str] = Field(
        default_factory=dict, description="String keys and values, for selection and reports."
    )
    annotations: dict[str, str] = Field(
        default_factory=dict, description="String keys and values, free text for other tools."
    )
    links: list[Link] = Field(
        default_factory=list, description="Related pages: runbooks, dashboards, trackers."
    )


class Entity(Strict):
    """An envelope. Subclasses pin ``kind`` and type ``spec``."""

    KIND: ClassVar[str]

    api_version: Literal["itsmcode/v1"] = Field(description="Format version; always itsmcode/v1.")
    kind: str = Field(description="Which kind of entity the file holds.")
    metadata: Metadata
    spec: Any

    @property
    def name(self) -> str:
        return self.metadata.name

    def references(self) -> Iterator[Reference]:
        """Every reference to another entity, with the loc of the field that holds it."""
        return iter(())
