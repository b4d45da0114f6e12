"""The league page: page.py registers it and owns its layout and callbacks; its _ modules are private to it."""
