# Alembic's settings for this migrations folder, written by "vial db init".
#
# The "vial db" commands set the folder (script_location) themselves, and
# env.py takes the database, the models' metadata and the options of
# Migrate(...) from the app, so this file mostly holds the logging setup of
# those commands. env.py applies it only when nothing has set up logging
# yet (an app, a test runner or gunicorn may have).

[alembic]
# Revision file names: Alembic's default is %%(rev)s_%%(slug)s; dating them
# keeps a directory listing in order.
# file_template = %%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s

[loggers]
keys = root,sqlalchemy,alembic,alembic_plugins

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console
qualname =

[logger_sqlalchemy]
# INFO shows every statement a migration runs.
level = WARNING
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[logger_alembic_plugins]
# Alembic names each part of autogenerate it loads at INFO; quiet it.
level = WARNING
handlers =
qualname = alembic.runtime.plugins

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
