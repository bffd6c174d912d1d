"""Charter: sign the person in, then build the navigation from what they may do."""

from pages import ui

principal = ui.frame(entrypoint=True)
with ui.outcomes_kept_if_interrupted():
    ui.navigation(principal).run()
