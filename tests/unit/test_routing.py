"""Routing on the hard cases citizens produce (pure: the shipped model and gazetteer, no AWS)."""
import pytest

from chalicelib.domain.places import OUTSIDE, locate
from chalicelib.domain.routing import classify


@pytest.mark.parametrize("text, agency", [
    # look-alike responsibilities
    ("Tanggul kali di desa kami retak memanjang, kalau hujan deras bisa jebol #KemalaJateng", "PUSDATARU"),
    ("Banjir sudah masuk rumah setinggi lutut, air terus naik, warga mulai mengungsi #KemalaJateng", "BPBD"),
    ("Petugas Samsat minta uang tambahan buat cek fisik tanpa kuitansi #KemalaJateng", "BAPENDA"),
    ("Oknum pegawai kelurahan minta uang pelicin buat surat keterangan usaha #KemalaJateng", "INSPEKTORAT"),
    ("Listrik padam dari semalam di kampung kami, belum ada petugas datang #KemalaJateng", "PLN"),
    ("Dusun kami belum teraliri listrik sama sekali, anak belajar pakai lampu minyak #KemalaJateng", "ESDM"),
    ("Jalan provinsi berlubang besar di tikungan, motor sering jatuh #KemalaJateng", "DPUBMCK"),
    ("Lampu merah di perempatan mati dua hari, kendaraan saling serobot #KemalaJateng", "DISHUB"),
    ("Sampah menumpuk di TPS seminggu tidak diangkut, baunya sampai rumah #KemalaJateng", "DLHK"),
    ("PKL jualan di trotoar sampai pejalan kaki harus turun ke jalan #KemalaJateng", "SATPOLPP"),
    ("Kartu BPJS Kesehatan saya tiba-tiba nonaktif padahal iuran rutin #KemalaJateng", "BPJSKES"),
    ("Puskesmas tutup jam 11 siang, dokternya jarang ada #KemalaJateng", "DINKES"),
    # Javanese (ngoko, krama, Banyumasan)
    ("Banyune PDAM mati telung dina, aku kudu ngangsu nang tanggane #KemalaJateng", "PDAM"),
    ("Nyuwun pirsa, blangko KTP ing kecamatan kok dereng wonten ngantos sakmenika #KemalaJateng", "DUKCAPIL"),
    ("Dalane nang desaku growong kabeh, wis ora kena nggo liwat motor kiye #KemalaJateng", "DPUBMCK"),
    # wrong agency mentioned, URLs, figurative trigger words, two problems in one tweet
    ("@DinkesJateng tolong, maling motor beraksi lagi di parkiran kampus https://t.co/abc #KemalaJateng", "POLRI"),
    ("Banjir promo akhir tahun! Diskon 70% semua item, cek bio #KemalaJateng", "TRIAGE"),
    ("Pengen jalan-jalan ke pantai minggu ini, ada rekomendasi? #KemalaJateng", "TRIAGE"),
    ("Terima kasih pak gub, aduan kami sudah ditindaklanjuti dengan cepat #KemalaJateng", "TRIAGE"),
    ("Air PDAM mati 4 hari, sekalian jalan depan rumah juga agak rusak sedikit #KemalaJateng", "PDAM"),
])
def test_routes_hard_cases_to_the_right_agency(text, agency):
    assert classify(text).agency == agency


@pytest.mark.parametrize("text, region", [
    ("Jalan rusak di Kota Semarang dekat Simpang Lima #KemalaJateng", "3374"),
    ("Jalan rusak di Kabupaten Semarang arah Bandungan #KemalaJateng", "3322"),
    ("Banjir di Kec. Tembalang sore ini #KemalaJateng", "3374"),
    ("Puskesmas di Slawi tutup #KemalaJateng", "3328"),
    ("Pasar di Kota Tegal becek #KemalaJateng", "3376"),
    ("Aku wong Kudus tapi kerja nang Surabaya, gajiku durung dibayar #KemalaJateng", OUTSIDE),
    ("Sampah numpuk di pinggir jalan, baunya parah #KemalaJateng", None),
    ("Nelayan Batang susah dapat solar #KemalaJateng", "3325"),
    ("Batang pohon tumbang menutup jalan desa #KemalaJateng", None),
    # the sender's home gives way to the problem's place, even outside the province
    ("Saya warga Kecamatan Losari, Brebes. Klinik di wilayah Kabupaten Kuningan, Jawa Barat memberi obat kedaluwarsa.", OUTSIDE),
    ("Mbah dhewekan neng omah reyot neng Cawas, anake neng Jakarta ra tau bali #KemalaJateng", "3310"),
    ("Air masuk rumah, Karanganyar Demak min, tolong perahu #KemalaJateng", "3321"),  # the kecamatan of Demak
    ("Petugas kantor kelurahan Medono kasar #KemalaJateng", "3375"),  # a kelurahan: the city's of that name
    ("Ngurus surat neng kelurahan Sukoharjo dikon mbayar #KemalaJateng", "3311"),
    ("Tanggul Kali Tuntang di wil. Gubug longsor #KemalaJateng", "3315"),  # a river named after a place elsewhere
    ("Solar di SPBUN Tasikagung kosong #KemalaJateng", "3317"),
    ("Saya warga asal Semarang yang tinggal di Kota Bekasi. Minyak goreng di warung sini di atas HET.", OUTSIDE),
    ("Saya warga Kelurahan Mojosongo. Air PDAM sering tidak sampai #KemalaJateng", "3372"),
    ("Vaksin MR kosong di puskesmas magelang sebulan #KemalaJateng", "3371"),  # "Magelang" alone: mostly the city
])
def test_finds_where_the_problem_is(text, region):
    assert locate(text).code == region


def test_classification_carries_confidence_urgency_and_evidence():
    result = classify("Longsor barusan menimbun 2 rumah di Kec. Karangkobar, ada warga tertimbun! #KemalaJateng")
    assert result.agency == "BPBD" and result.region == "3304" and result.urgency == "EMERGENCY"
    assert 0.5 < result.confidence <= 1
    assert "longsor" in result.evidence and "lokasi: karangkobar" in result.evidence
