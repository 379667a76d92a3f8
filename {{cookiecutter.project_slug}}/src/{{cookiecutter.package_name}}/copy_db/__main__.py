"""`python -m {{ cookiecutter.package_name }}.copy_db`."""

import sys

from {{ cookiecutter.package_name }}.copy_db.cli import main

sys.exit(main())
