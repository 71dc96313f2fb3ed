"""Where the problem is, when names are shared, texts are long, or landmarks stand for the place."""
import pytest

from chalicelib.domain.places import locate


@pytest.mark.parametrize("text, region", [
    # a kecamatan several regencies have: the other places decide, else the most populous regency
    ("Jalan rusak di Kec. Kaliwungu dekat Ungaran", "3322"),
    ("Jalan rusak di Kec. Kaliwungu, Kudus", "3319"),
    ("Jalan rusak di Kec. Kaliwungu", "3324"),
    ("Saya warga Kelurahan Tegalsari, Tegal Barat. Saluran di kampung kami mampet", "3376"),
    ("Bantuan listrik untuk warga di Kec. Rembang Purbalingga belum datang", "3303"),
    # a route names its start first; a place joined by a dash is a route's end, not a qualifier
    ("Truk ODOL lewat jalan Boyolali-Klaten tiap malam", "3309"),
    ("Bus jurusan Purwokerto–Cilacap ugal2an, nyalip di tikungan Rawalo", "3302"),
    ("Jln Purwodadi-Blora km 20an rusak parah", "3315"),
    # ... and the kecamatan it passes decides
    ("lubang di jl. Magelang–Purworejo dkt Salaman udh makan korban", "3308"),
    # everyday words that are also kecamatan names
    ("Nyong wedi nular, tulung teka neng Kec. Kejobong", "3303"),
    ("Pajak tahunan motor saya kok naik", None),
    # landmarks, roads, campuses and hospitals
    ("Antrean di RSUD Moewardi mengular sejak subuh", "3372"),
    ("Parkir liar di depan kampus Undip bikin macet", "3374"),
    ("Sampah numpuk di alun2 Tegal", "3376"),
    ("Pipa bocor di Jl. Hayam Wuruk Pekalongan", "3375"),
    # a village named without "desa"/"kel.": a name of its own (several words, or after "di"/"nang"), one regency
    ("Rob di Panjang Wetan wis seminggu ra surut", "3375"),
    ("Banyu PDAM nang Kestalan buthek coklat", "3372"),
    # ... not a village that shares its name with an everyday word; one several regencies have goes to the
    # most populous of them (Cangkring: Kabupaten Tegal's, Demak's, ...), as a shared kecamatan name does
    ("Saya warga kota. Jadi gini, air PDAM cuma ngalir malam", None),
    ("Jalan rusak di Cangkring sudah setahun", "3328"),
    # a village named like a kecamatan lies in it, even where the village list does not have it there
    ("Rumah di Desa Pucakwangi tinggal gedek bolong", "3318"),
    # after "desa"/"dusun" a name is a village, not the city quarter of the same name
    ("Dusun Tlogosari ing Kecamatan Kaloran dereng wonten sinyal", "3323"),
    # "Bakaran Kulon" and "Bakaran Wetan" make "Bakaran" a name of their own
    ("Limbah batik di desa Bakaran nyemplung kali", "3318"),
])
def test_finds_the_regency_of_the_problem(text, region):
    assert locate(text).code == region


def test_long_complaint_the_problem_place_wins_over_the_reporters_address():
    text = ("Dengan hormat, saya yang bertanda tangan di bawah ini, beralamat di Kota Semarang, ingin "
            "melaporkan kerusakan jalan. Kemarin dalam perjalanan ke Demak, jalan di Kec. Sayung "
            "berlubang sangat dalam dan sudah banyak pengendara jatuh. Mohon segera diperbaiki.")
    assert locate(text).code == "3321"
