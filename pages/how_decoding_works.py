from studio.ui.cold_start import while_importing

with while_importing("studio.teaching.page"):  # a cold server's first visit: a word, not a blank page
    from studio.teaching.page import render_teaching_page

render_teaching_page()
