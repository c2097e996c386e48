"""Provlabbet's own table: the lab leader of a unit."""
from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from beh_core.api import Base


class Labbledare(Base):
    """The lab leader of a unit (registered on the plugin's own page)."""

    __tablename__ = "provlabb_labbledare"
    id: Mapped[int] = mapped_column(primary_key=True)
    enhet_id: Mapped[int] = mapped_column(ForeignKey("enheter.id"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
