#include "kite/robotics/robot_sim.hpp"

#include <catch2/catch.hpp>

using namespace kite::robotics;

TEST_CASE("robot sim: streams at their rates, and an edge's stop rule halts it short of the "
          "person who steps in") {
  sim_settings settings;
  settings.seed = 3;
  settings.person_at = 2;
  robot_sim sim{settings};
  std::vector<sim_output> out;
  bool raised = false;
  for (int k = 1; k <= 10 * settings.step_hz; ++k) {
    double now = static_cast<double>(k) / settings.step_hz;
    out.clear();
    sim.step(now, out);
    for (const auto& d : out) {
      if (d.to != sim_output::stream::lidar) continue;
      // The edge's rule, as edge.yaml's threshold stage has it: the nearest of the beams within
      // 10 degrees of straight ahead (beams 170 to 190 after the 4 header channels), with
      // 0.1 m of hysteresis; answered at once, as by an edge with no delay.
      float nearest = *std::min_element(d.values.begin() + 4 + 170, d.values.begin() + 4 + 191);
      if (!raised && nearest < settings.stop_distance) sim.on_alarm(now, raised = true);
      if (raised && nearest > settings.stop_distance + 0.1) sim.on_alarm(now, raised = false);
      auto scan = unpack_scan(d.values, 8);
      REQUIRE(scan);
      sim.on_pose(now, {scan->id, scan->odometry, false, 0});
    }
  }
  const auto& r = sim.report();
  CHECK(r.scans == 100);
  CHECK(r.odometry_readings == 500);
  CHECK(r.imu_readings == 2000);
  CHECK(r.poses == 100);
  // Corrected poses that are odometry's have odometry's error.
  CHECK(r.corrected_error_mean == Approx(r.odometry_error_mean));
  REQUIRE(r.person_appeared);
  auto for_person = std::count_if(r.stops.begin(), r.stops.end(),
                                  [](const stop_event& s) { return s.for_person; });
  CHECK(for_person >= 1);
  for (const auto& s : r.stops)
    if (s.for_person) {
      CHECK(s.scan_to_stop == Approx(0).margin(1e-9)); // this edge answers at once
      CHECK(s.person_distance < settings.person_ahead);
    }
  // Halted in time: the robot's centre stays clear of the person's 0.15 m half-width.
  CHECK(r.closest_to_person > 0.15 + 0.1);
}
