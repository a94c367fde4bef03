from studio.teaching.page import render_teaching_page

render_teaching_page()
