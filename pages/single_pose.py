from studio.ui.demo_page import render_demo_page

render_demo_page(multi_pose=False)
