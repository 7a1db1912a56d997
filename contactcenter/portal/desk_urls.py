app_name = "portal_desk"

urlpatterns: list = []
