from piccolo.columns import Boolean, Timestamptz, Varchar
from piccolo.table import Table


class Agency(Table):
    """A member organisation: county agency, provider, school district, family group."""

    name = Varchar(length=200, unique=True)
    short_name = Varchar(length=40, default="")
    sector = Varchar(length=40, index=True)
    is_part2_program = Boolean(default=False)
    is_hipaa_covered = Boolean(default=False)
    is_ferpa_agency = Boolean(default=False)
    active = Boolean(default=True, index=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()
