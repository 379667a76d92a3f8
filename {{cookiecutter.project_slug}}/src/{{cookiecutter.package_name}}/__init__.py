"""The {{ cookiecutter.project_slug }} service: a FastAPI app for AWS."""
