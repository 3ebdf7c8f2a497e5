from django.urls import path

from checkpoints.views import portal, public, tracing

app_name = "checkpoints"

urlpatterns = [
    # Visitors (the QR code's URL): short, no login.
    path("c/<str:token>/", public.visit, name="visit"),
    path("c/<str:token>/xong/<uuid:submission>/", public.done, name="done"),
    path("c/<str:token>/ra/<uuid:submission>/", public.checkout, name="checkout"),
    path("c/<str:token>/quen/", public.forget, name="forget"),
    # Officials and operators.
    path("portal/checkpoints/", portal.checkpoint_list, name="list"),
    path("portal/checkpoints/register/", portal.checkpoint_register, name="register"),
    path("portal/checkpoints/<int:pk>/", portal.checkpoint_detail, name="detail"),
    path("portal/checkpoints/<int:pk>/decide/", portal.checkpoint_decide, name="decide"),
    path("portal/checkpoints/<int:pk>/operators/", portal.checkpoint_operators, name="operators"),
    path("portal/checkpoints/<int:pk>/reissue/", portal.checkpoint_reissue, name="reissue"),
    path("portal/checkpoints/<int:pk>/qr.png", portal.qr_png, name="qr-png"),
    path("portal/checkpoints/<int:pk>/qr.svg", portal.qr_svg, name="qr-svg"),
    path("portal/checkpoints/<int:pk>/poster.pdf", portal.poster, name="poster"),
    path("portal/checkpoints/<int:pk>/scan/", portal.scan, name="scan"),
    path("portal/checkpoints/<int:pk>/paper/", portal.paper, name="paper"),
    # Contact tracing.
    path("portal/tracing/", tracing.trace, name="trace"),
    path("portal/tracing/checkpoint/", tracing.trace_checkpoint, name="trace-checkpoint"),
    path("portal/tracing/export/", tracing.trace_export, name="trace-export"),
]
