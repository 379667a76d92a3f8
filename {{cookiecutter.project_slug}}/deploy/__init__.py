"""Building, deploying and rolling back this project: `python -m deploy --help`.

The same code serves every option set: what to do is read from the project itself
(which compute module infra/ holds, .python-version, pyproject.toml), so a change to the
deploy path is made once, here.
"""
