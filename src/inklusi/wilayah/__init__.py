"""Areas (provinsi, kabupaten/kota, kecamatan, desa/kelurahan) and NIK/KK numbers."""
