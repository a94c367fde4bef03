from studio.ui.cold_start import while_importing

with while_importing("studio.ui.demo_page"):  # a cold server's first visit: a word, not a blank page
    from studio.ui.demo_page import render_demo_page

render_demo_page(multi_pose=True)
