"""Charter: sign the person in, then build the navigation from what they may do."""

from pages import ui

principal = ui.frame(entrypoint=True)
ui.navigation(principal).run()
