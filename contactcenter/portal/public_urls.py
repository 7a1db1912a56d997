app_name = "portal_public"

urlpatterns: list = []
