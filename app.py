"""Charter: sign the person in, then build the navigation from what they may do."""

from pages import ui

principal = ui.frame()
ui.navigation(principal).run()
