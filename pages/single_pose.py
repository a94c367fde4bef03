from studio.ui.entry import through_the_entry

through_the_entry()  # before anything else: a share link on a fresh server

from studio.ui.demo_page import render_demo_page

render_demo_page(multi_pose=False)
