from studio.ui.cold_start import while_importing
from studio.ui.entry import through_the_entry

through_the_entry()  # first: a share link on a fresh server skips the entry script

with while_importing("studio.ui.demo_page"):  # a cold server's first visit: a word, not a blank page
    from studio.ui.demo_page import render_demo_page

render_demo_page(multi_pose=True)
