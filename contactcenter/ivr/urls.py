app_name = "ivr"

urlpatterns: list = []
