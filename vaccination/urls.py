from django.urls import path

from vaccination.views import portal, public, registration

app_name = "vaccination"

urlpatterns = [
    # The public: book on a phone, no login.
    path("tiem-chung/dat-lich/", public.book, name="book"),
    path("tiem-chung/lich-hen/<str:code>/", public.booked, name="booked"),
    path("tiem-chung/lich-hen/<str:code>/xac-minh/", public.RecordCheck.as_view(), name="record-check"),
    path("tiem-chung/lich-hen/<str:code>/ho-so/", public.record, name="record"),
    path("tiem-chung/lich-hen/<str:code>/huy/", public.record_cancel, name="record-cancel"),
    path("tiem-chung/lich-hen/<str:code>/dinh-chinh/", public.record_correction, name="record-correction"),
    path("tiem-chung/lich-hen/<str:code>/phan-ung/", public.record_aefi, name="record-aefi"),
    path(
        "tiem-chung/lich-hen/<str:code>/chung-nhan.pdf", public.record_certificate, name="record-certificate"
    ),
    # Staff.
    path("portal/vaccination/", portal.site_list, name="sites"),
    path("portal/vaccination/sites/<int:pk>/", portal.site_detail, name="site"),
    path("portal/vaccination/sessions/<int:pk>/", portal.session_detail, name="session"),
    path("portal/vaccination/dang-ky-danh-sach/", registration.register_list, name="register-list"),
    path("portal/vaccination/sessions/<int:pk>/tiem/<int:appointment>/", portal.vaccinate, name="vaccinate"),
    path("portal/vaccination/doses/<int:pk>/", portal.dose_detail, name="dose"),
    path(
        "portal/vaccination/doses/<int:pk>/observation/", portal.dose_observation_end, name="observation-end"
    ),
    path("portal/vaccination/doses/<int:pk>/certificate/", portal.dose_certificate, name="certificate"),
    path("portal/vaccination/doses/<int:pk>/aefi/", portal.aefi_report, name="aefi-report"),
    path("portal/vaccination/aefi/", portal.aefi_list, name="aefi"),
    path("portal/vaccination/coverage/", portal.coverage, name="coverage"),
    path("portal/vaccination/corrections/", portal.correction_list, name="corrections"),
    path(
        "portal/vaccination/corrections/<int:pk>/decide/", portal.correction_decide, name="correction-decide"
    ),
]
