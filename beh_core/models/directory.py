"""The directory (KiV): persons, engagements and the unit tree.

The portal reads KiV; it never writes it. These tables are a local copy that
`flask beh directory sync` (LDAP) or `flask beh directory import` (JSON) refreshes.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, PrefixString


class Forvaltning(Base):
    """An administration of the region (Närhälsan, Regionhälsan, ...)."""

    __tablename__ = "forvaltningar"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    omraden: Mapped[list["Omrade"]] = relationship(back_populates="forvaltning", order_by="Omrade.name")


class Omrade(Base):
    """An area inside a förvaltning."""

    __tablename__ = "omraden"

    id: Mapped[int] = mapped_column(primary_key=True)
    forvaltning_id: Mapped[int] = mapped_column(ForeignKey("forvaltningar.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    forvaltning: Mapped[Forvaltning] = relationship(back_populates="omraden")
    enheter: Mapped[list["Enhet"]] = relationship(back_populates="omrade", order_by="Enhet.name")


class Enhet(Base):
    """A verksamhet or vårdenhet inside an område; may be a private care provider."""

    __tablename__ = "enheter"

    id: Mapped[int] = mapped_column(primary_key=True)
    omrade_id: Mapped[int] = mapped_column(ForeignKey("omraden.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    hsa_id: Mapped[str | None] = mapped_column(String(31), unique=True)
    is_vardenhet: Mapped[bool] = mapped_column(Boolean, default=True)
    private_provider: Mapped[bool] = mapped_column(Boolean, default=False)
    chef_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)

    omrade: Mapped[Omrade] = relationship(back_populates="enheter")
    chef: Mapped["Person | None"] = relationship(foreign_keys=[chef_id])


class Person(Base):
    """A person in KiV. Personnummer is sensitive: mask it in the UI, never log it."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    vgr_id: Mapped[str] = mapped_column(PrefixString(20), unique=True)
    # HSA-ID and personnummer are searched by prefix too (suggestions while typing): "C" collation.
    hsa_id: Mapped[str | None] = mapped_column(PrefixString(31), unique=True)
    personnummer: Mapped[str | None] = mapped_column(PrefixString(12), unique=True)
    passnummer: Mapped[str | None] = mapped_column(String(20), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    titel: Mapped[str | None] = mapped_column(String(100))
    ansvarsnummer: Mapped[str | None] = mapped_column(String(20))
    # Lower-cased copies so name search is an indexed prefix match on every database.
    first_name_lc: Mapped[str] = mapped_column(PrefixString(100), index=True)
    last_name_lc: Mapped[str] = mapped_column(PrefixString(100), index=True)
    # A person who left KiV is marked inactive, never deleted: orders and audit keep pointing at them.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    engagements: Mapped[list["Engagement"]] = relationship(
        back_populates="person", order_by="Engagement.start_date", cascade="all, delete-orphan"
    )

    # The user protocol of Flask-Login (the views log a Person in); no web import down here.
    @property
    def is_authenticated(self) -> bool:
        """A person loaded as the current user is authenticated."""
        return True

    @property
    def is_anonymous(self) -> bool:
        """A person is never the anonymous user."""
        return False

    @property
    def is_active(self) -> bool:
        """Only persons still in KiV may log in."""
        return self.active is not False

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session."""
        return str(self.id)

    @property
    def full_name(self) -> str:
        """Förnamn Efternamn."""
        return f"{self.first_name} {self.last_name}"

    @property
    def display(self) -> str:
        """Name with VGR-ID, as the manuals show people: 'Anna Berg (annbe1)'."""
        return f"{self.first_name} {self.last_name} ({self.vgr_id})"

    def __repr__(self) -> str:  # never include the personnummer
        return f"<Person {self.vgr_id}>"


# What only the database has, for the name search (migration 0011): SQLite's FTS5 table and its
# shadow tables, PostgreSQL's GIN index on the names' words. Schema comparisons skip them.
DATABASE_ONLY_TABLES = frozenset(
    ["persons_names"] + [f"persons_names_{part}" for part in ("data", "idx", "docsize", "config", "content")])
DATABASE_ONLY_INDEXES = frozenset(["ix_persons_name_words"])


def include_in_schema(name: str | None, type_: str, _parent) -> bool:
    """Alembic ``include_name``: leave out what only the database has (the name search)."""
    return not ((type_ == "table" and name in DATABASE_ONLY_TABLES)
                or (type_ == "index" and name in DATABASE_ONLY_INDEXES))


class Engagement(Base):
    """A person's employment or assignment at a unit."""

    __tablename__ = "engagements"
    __table_args__ = (
        Index("ix_engagements_person_dates", "person_id", "start_date", "end_date"),
        Index("ix_engagements_end_date", "end_date"),  # leavers: engagements that ended lately
        # Att avsluta: each unit's ended engagements and their persons, read from the index alone
        # (also every lookup by unit).
        Index("ix_engagements_unit_ended", "enhet_id", "end_date", "id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    enhet_id: Mapped[int] = mapped_column(ForeignKey("enheter.id"))
    kind: Mapped[str] = mapped_column(String(20), default="anstalld")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    kostnadsstalle: Mapped[str | None] = mapped_column(String(20), index=True)

    person: Mapped[Person] = relationship(back_populates="engagements")
    enhet: Mapped[Enhet] = relationship()

    def is_active(self, on: date) -> bool:
        """True when the engagement covers the given day."""
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class Kostnadsstalle(Base):
    """A cost centre (kostnadsställe) from KiV, and the person who answers for it (ekonomisk attest)."""

    __tablename__ = "kostnadsstallen"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(PrefixString(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    forvaltning_id: Mapped[int | None] = mapped_column(ForeignKey("forvaltningar.id"), index=True)
    ansvarig_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    forvaltning: Mapped[Forvaltning | None] = relationship()
    ansvarig: Mapped[Person | None] = relationship()
