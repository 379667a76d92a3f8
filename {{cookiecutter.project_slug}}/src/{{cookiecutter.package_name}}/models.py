"""Every ORM model, imported in one place so `Base.metadata` is complete for Alembic."""

from {{ cookiecutter.package_name }}.core.db import Base
from {{ cookiecutter.package_name }}.items.models import Item
{%- if cookiecutter.use_s3_uploads == "y" %}
from {{ cookiecutter.package_name }}.uploads.models import Upload
{%- endif %}
from {{ cookiecutter.package_name }}.users.models import User

__all__ = ["Base", "Item", {% if cookiecutter.use_s3_uploads == "y" %}"Upload", {% endif %}"User"]
