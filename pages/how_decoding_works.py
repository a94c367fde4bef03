from studio.ui.entry import through_the_entry

through_the_entry()  # before anything else: a share link on a fresh server

from studio.teaching.page import render_teaching_page

render_teaching_page()
