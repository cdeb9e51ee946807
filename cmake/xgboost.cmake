# XGBoost's C API (Debian libxgboost-dev), for analysis/boosted_trees: E7's gradient-boosted trees
# baseline. Found by its header and library, so that a missing package stops the configure with
# a message naming it. Defines the imported target XGBoost::xgboost.
find_path(NNLAB_XGBOOST_INCLUDE_DIR xgboost/c_api.h)
find_library(NNLAB_XGBOOST_LIBRARY xgboost)
if(NOT NNLAB_XGBOOST_INCLUDE_DIR OR NOT NNLAB_XGBOOST_LIBRARY)
  message(FATAL_ERROR "XGBoost not found (xgboost/c_api.h: ${NNLAB_XGBOOST_INCLUDE_DIR}, libxgboost: "
                      "${NNLAB_XGBOOST_LIBRARY}): install the Debian package libxgboost-dev (scripts/setup.sh), "
                      "or set NNLAB_XGBOOST_INCLUDE_DIR and NNLAB_XGBOOST_LIBRARY")
endif()
add_library(XGBoost::xgboost UNKNOWN IMPORTED)
set_target_properties(XGBoost::xgboost PROPERTIES IMPORTED_LOCATION ${NNLAB_XGBOOST_LIBRARY}
                                                  INTERFACE_INCLUDE_DIRECTORIES ${NNLAB_XGBOOST_INCLUDE_DIR})
