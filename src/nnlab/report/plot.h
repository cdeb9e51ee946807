#pragma once
// Every chart kind of report/, one function each: plot_lines, plot_two_axes, plot_scatter,
// plot_contours, plot_histograms, plot_heat_map, plot_class_regions, plot_image_grid.
#include "nnlab/report/chart.h"
#include "nnlab/report/contour_chart.h"
#include "nnlab/report/heat_map.h"
#include "nnlab/report/histogram_chart.h"
#include "nnlab/report/image_grid.h"
#include "nnlab/report/line_chart.h"
#include "nnlab/report/scatter_chart.h"
