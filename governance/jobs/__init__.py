"""Background jobs: long work as rows, split into items that commit one at a time.

``kinds`` defines what a kind of job does and holds the registry; ``service`` holds the use
cases (``charter.jobs``); ``runner`` runs items in a small thread pool. Importing the package
registers Charter's own kinds.
"""

from governance.jobs import audit as audit  # registers audit
from governance.jobs import deadlines as deadlines  # registers close-due
from governance.jobs import refresh as refresh  # registers analytics-refresh
from governance.jobs import revise as revise  # registers revise
