"""Toolshed: a tool-lending shelf for neighbours, the app of vial's tutorial.

``vial --app toolshed`` finds :func:`create_app` here and calls it.
"""

from toolshed.app import create_app as create_app
