from studio.teaching.page import render_teaching_page
from studio.ui.entry import through_the_entry

through_the_entry()  # first: a share link on a fresh server skips the entry script
render_teaching_page()
