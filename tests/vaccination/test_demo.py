"""The vaccination demo data: through the services, across districts, safe to run twice."""

import io

from vaccination import demo
from vaccination.models import AdverseEvent, Appointment, CorrectionRequest, Dose, Site


def test_demo_data_has_sites_doses_bookings_a_serious_event_and_a_pending_correction(province):
    demo.load(stdout=io.StringIO())
    assert Site.objects.values("unit__parent").distinct().count() == 3  # three districts
    assert Dose.objects.count() == 60
    assert Appointment.objects.filter(status="booked").count() == 12
    assert AdverseEvent.objects.get().is_serious
    assert CorrectionRequest.objects.get().status == "pending"
    demo.load(stdout=io.StringIO())
    assert Dose.objects.count() == 60
