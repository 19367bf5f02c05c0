# Installation layout and the Debian package (CPack DEB). Included from the top CMakeLists.txt.
#
#   cmake --install build --prefix /usr        the layout below under /usr
#   packaging/build-deb.sh                     Release build + cpack → gateway-workbench_<ver>_<arch>.deb
#
# Binaries install their own targets (app/*/CMakeLists.txt); this file adds everything around them.
include(GNUInstallDirs)

set(GWB_DATADIR ${CMAKE_INSTALL_DATADIR}/gateway-workbench)
# Not the multiarch libdir: the workbench looks for plugins at one fixed place relative to its prefix.
set(GWB_PLUGINDIR lib/gateway-workbench/plugins)
set(_gwb_appid io.github.gatewayworkbench.GatewayWorkbench)

# The practice lab, with its executable bits, and gwb-lab on the PATH (the script finds its package through
# its real path, so a symlink is enough).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/lab/ DESTINATION ${GWB_DATADIR}/lab
        USE_SOURCE_PERMISSIONS
        PATTERN "__pycache__" EXCLUDE
        PATTERN "*.pyc" EXCLUDE)
install(CODE "
  set(_link \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/gwb-lab\")
  file(MAKE_DIRECTORY \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
  file(REMOVE \"\${_link}\")
  file(CREATE_LINK \"../${GWB_DATADIR}/lab/gwb-lab\" \"\${_link}\" SYMBOLIC)
")

# Plugins are looked up here; the directory exists even before the first plugin ships.
install(DIRECTORY DESTINATION ${GWB_PLUGINDIR})

# Training content: lessons and practice scenarios (core/training finds them here once installed).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/resources/lessons ${PROJECT_SOURCE_DIR}/resources/practice
        DESTINATION ${GWB_DATADIR}/training)

install(FILES ${PROJECT_SOURCE_DIR}/docs/man/gwb.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

set(_res ${PROJECT_SOURCE_DIR}/resources/packaging)
install(FILES ${_res}/${_gwb_appid}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${_res}/gateway-workbench.svg DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps
        RENAME ${_gwb_appid}.svg)
if(GWB_BUILD_GUI)
  install(FILES ${_res}/${_gwb_appid}.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
endif()

# --- CPack: one .deb with both programs ------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME gateway-workbench)
set(CPACK_PACKAGE_VENDOR "Gateway Workbench developers")
set(CPACK_PACKAGE_CONTACT "Gateway Workbench developers <gateway-workbench@example.org>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "find out why nginx answers 502, 504 and 499")
set(CPACK_PACKAGE_INSTALL_DIRECTORY gateway-workbench)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Runtime libraries are worked out from the binaries by dpkg-shlibdeps; only what the lab runs is named.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3, nginx-core | nginx, openssh-client")
# What the guided checks use on a host that is this machine (probes run with whatever is there).
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "curl, iproute2, tcpdump, strace")
# The summary above is the first line of the Debian description; this is the extended part.
set(CPACK_PACKAGE_DESCRIPTION "Gateway Workbench reads an nginx configuration (nginx -T) and its access and
error logs, classifies every upstream failure into a cause (backend refused,
timeouts, premature close, keepalive races, DNS, TLS, ...), joins error lines
to the requests they broke, and says what to check next.
.
The package holds the gwb command-line tool (diagnose, check, collect, report
as HTML/PDF), the gateway-workbench desktop application when it was built
(with guided checks and a training mode), the php-fpm check plugin, a man page
and a practice lab (gwb-lab) of a real nginx in front of misbehaving backends.")
set(CPACK_STRIP_FILES ON)
include(CPack)
