from studio.ui.demo_page import render_demo_page
from studio.ui.entry import through_the_entry

through_the_entry()  # first: a share link on a fresh server skips the entry script
render_demo_page(multi_pose=False)
