# SPDX-License-Identifier: MIT
# Packages what `cmake --install` places: `cd build/release && cpack -G DEB` (or TGZ).
# The .deb's library dependencies come from dpkg-shlibdeps (dpkg-dev, and `file` for CPack to find the ELF
# files); Qt's platform plugins are loaded at run time, so the window's one is named by hand.
set(CPACK_PACKAGE_NAME "beam-me-up")
set(CPACK_PACKAGE_VENDOR "BEAM Me Up")
set(CPACK_PACKAGE_CONTACT "BEAM Me Up team <beam-me-up@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "beam-me-up")
set(CPACK_GENERATOR "TGZ;DEB")
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # beam-me-up_0.2.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "devel")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
# The long description; CPack puts CPACK_PACKAGE_DESCRIPTION_SUMMARY above it as the synopsis.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "An event pipeline on a oneTBB flow graph - paced producers, a bound on events in flight (back-pressure),
a router that partitions work by key, serial consumers under OTP-style supervisors with fault injection -
under a Qt 6 window that plots throughput, latency, failures and back-pressure live. `beam-me-up --headless`
runs the same engine without a display, with a JSON report and a Prometheus endpoint (--metrics-port).")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libqt6svg6")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
include(CPack)
